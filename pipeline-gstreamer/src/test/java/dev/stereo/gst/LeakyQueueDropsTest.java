package dev.stereo.gst;

import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real leaky queue in front of a slow element: every buffer in is either out or counted as dropped. */
class LeakyQueueDropsTest {

    @BeforeAll
    static void init() {
        dev.stereo.core.gst.GstRuntime.init("test");
    }

    @Test
    void countsExactlyTheBuffersALeakyQueueDrops() throws Exception {
        Pipeline p = (Pipeline) Gst.parseLaunch("videotestsrc num-buffers=60 ! video/x-raw,width=64,height=64"
                + " ! queue name=q leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0"
                + " ! identity sleep-time=5000 ! fakesink sync=false");
        var queue = p.getElementByName("q");
        AtomicLong in = new AtomicLong();
        AtomicLong out = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        org.freedesktop.gstreamer.Pad.PROBE countIn = (pad, info) -> {
            in.incrementAndGet();
            return PadProbeReturn.OK;
        };
        org.freedesktop.gstreamer.Pad.PROBE countOut = (pad, info) -> {
            out.incrementAndGet();
            return PadProbeReturn.OK;
        };
        queue.getStaticPad("sink").addProbe(PadProbeType.BUFFER, countIn);
        queue.getStaticPad("src").addProbe(PadProbeType.BUFFER, countOut);
        Object handle = LeakyQueueDrops.watch(queue, dropped::incrementAndGet);
        CountDownLatch eos = new CountDownLatch(1);
        Bus.EOS onEos = source -> eos.countDown();
        p.getBus().connect(onEos);
        p.play();
        try {
            assertTrue(eos.await(20, TimeUnit.SECONDS), "the pipeline reached EOS");
            assertEquals(60, in.get());
            assertTrue(dropped.get() > 0, "a 5 ms element behind a fast source makes the queue leak: " + dropped);
            assertEquals(in.get(), out.get() + dropped.get(), "in = out + dropped (in " + in + ", out " + out + ")");
        } finally {
            p.setState(State.NULL);
            p.dispose();
        }
        assertTrue(handle != null && countIn != null && countOut != null && onEos != null); // held until here
    }
}
