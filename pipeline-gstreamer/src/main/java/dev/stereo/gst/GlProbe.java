package dev.stereo.gst;

import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether GstGL can make a context here (EGL on a Pi's V3D, GLX under Xvfb; nothing on a
 * headless x86 box without /dev/dri). Runs a one-frame upload/download graph once and caches
 * the answer.
 */
public final class GlProbe {

    private static volatile Boolean works;
    private static volatile String lastError = "not probed";

    private GlProbe() {}

    /** Blocks up to ~5 s the first time; call from a non-Gst thread. */
    public static synchronized boolean works() {
        if (works == null) {
            works = probe();
        }
        return works;
    }

    /** Why GL does not work, for the log and {@code stereo check}. */
    public static String lastError() {
        return lastError;
    }

    private static boolean probe() {
        if (!dev.stereo.core.gst.GstElements.exists("glupload")) {
            lastError = "glupload not installed (gstreamer1.0-gl)";
            return false;
        }
        Pipeline p = (Pipeline) Gst.parseLaunch(
                "videotestsrc num-buffers=2 ! glupload ! glcolorconvert ! gldownload ! fakesink");
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<String> err = new AtomicReference<>();
        Bus.EOS eos = source -> done.countDown();
        Bus.ERROR error = (source, code, message) -> {
            err.set(message);
            done.countDown();
        };
        p.getBus().connect(eos);
        p.getBus().connect(error);
        try {
            p.play();
            if (!done.await(5, TimeUnit.SECONDS)) {
                err.set("GL test graph did not finish in 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.set("interrupted");
        } finally {
            p.setState(State.NULL);
            p.getBus().disconnect(eos);
            p.getBus().disconnect(error);
            p.dispose();
        }
        lastError = err.get() == null ? "none" : err.get();
        return err.get() == null;
    }
}
