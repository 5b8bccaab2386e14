package dev.stereo.dualtrack;

import dev.stereo.core.Eye;
import dev.stereo.core.ViewerSession;
import dev.stereo.core.gst.IceAgentSetup;
import dev.stereo.core.metrics.RtpSenderStats;
import org.freedesktop.gstreamer.Gst;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What option2 reports while a real WebRTC viewer (a second webrtcbin, on 127.0.0.1) receives:
 * frames captured, encoded and sent per eye, encode and capture-to-send times, the join keyframe
 * requested and produced, and the viewer's RTP figures from webrtcbin's stats.
 */
class DualTrackMetricsTest {

    @BeforeAll
    static void init() {
        if (!Gst.isInitialized()) {
            dev.stereo.core.gst.GstRuntime.init("test");
        }
    }

    @Test
    void reportsFramesKeyframesTimesAndViewerStats() throws Exception {
        Assumptions.assumeTrue(IceAgentSetup.onlyLoopback(),
                "needs a loopback-only network namespace so that ICE stays on 127.0.0.1 (scripts/test.sh)");
        RecordingObserver seen = new RecordingObserver();
        try (DualTrackPipeline p = new DualTrackPipeline(DualTrackPipelineTest.testConfig());
             LoopbackReceiver receiver = new LoopbackReceiver()) {
            p.observe(seen);
            p.start();
            ViewerSession session = p.connect(receiver.offer());
            receiver.accept(session.answerSdp());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((receiver.packets[0].get() < 30 || receiver.packets[1].get() < 30) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(receiver.packets[0].get() >= 30 && receiver.packets[1].get() >= 30, "RTP arrived: "
                    + receiver.packets[0] + "/" + receiver.packets[1]);
            Map<String, RtpSenderStats> stats = Map.of();
            while (System.nanoTime() < deadline) {
                stats = session.senderStats();
                if (stats.size() == 2 && stats.values().stream().allMatch(s -> s.packetsSent() > 0)) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(2, stats.size(), "figures for both eyes: " + stats);
            for (Eye eye : Eye.values()) {
                String k = eye.key();
                assertTrue(stats.get(k).packetsSent() > 0 && stats.get(k).bytesSent() > 0, k + ": " + stats);
                assertTrue(seen.count("captured " + k) > 0, seen.toString());
                assertTrue(seen.count("encoded " + k) > 0 && seen.count("bytes " + k) > seen.count("encoded " + k),
                        seen.toString());
                assertTrue(seen.count("sent " + k) > 0, seen.toString());
                assertTrue(seen.count("sent " + k) <= seen.count("encoded " + k), "one viewer: " + seen);
                assertTrue(seen.count("encoded " + k) <= seen.count("captured " + k), seen.toString());
                assertTrue(seen.count("requested " + k + " join") >= 1, seen.toString());
                assertTrue(seen.count("produced " + k + " join") >= 1, "the join IDR is attributed: " + seen);
            }
            assertTrue(seen.encodeNanos.size() > 10 && seen.encodeNanos.stream().allMatch(n -> n > 0
                    && n < TimeUnit.SECONDS.toNanos(1)), "encode times: " + seen.encodeNanos);
            assertTrue(seen.captureToSendNanos.stream().allMatch(n -> n > 0 && n < TimeUnit.SECONDS.toNanos(2)),
                    "capture to send: " + seen.captureToSendNanos);
            session.close();
            assertEquals(Map.of(), session.senderStats(), "a closed viewer has no figures");
        }
    }
}
