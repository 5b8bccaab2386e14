package dev.stereo.gst;

import dev.stereo.core.ViewerSession;
import dev.stereo.core.metrics.MediaObserver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the real option3 graph reports with no viewer: frames captured and encoded per eye,
 * encoded bytes, encode times (x264enc shifts its output timestamps, which the measuring must
 * see through), and the encoder's first IDR as "interval"; then, with a viewer attached, its
 * join keyframe requested and produced.
 */
class GraphMetricsTest {

    @BeforeAll
    static void init() {
        dev.stereo.core.gst.GstRuntime.init("test");
    }

    static final class Recorder implements MediaObserver {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        final List<Long> encodeNanos = new CopyOnWriteArrayList<>();

        long count(String k) {
            AtomicLong n = counts.get(k);
            return n == null ? 0 : n.get();
        }

        void add(String k, long n) {
            counts.computeIfAbsent(k, x -> new AtomicLong()).addAndGet(n);
        }

        @Override public void frameCaptured(String eye) { add("captured " + eye, 1); }
        @Override public void frameEncoded(String track, long bytes) { add("encoded " + track, 1); add("bytes " + track, bytes); }
        @Override public void encodeDuration(String track, long nanos) { encodeNanos.add(nanos); add("timed " + track, 1); }
        @Override public void keyframeRequested(String track, String reason) { add("requested " + track + " " + reason, 1); }
        @Override public void keyframeProduced(String track, String reason) { add("produced " + track + " " + reason, 1); }

        @Override public String toString() { return new java.util.TreeMap<>(counts).toString(); }
    }

    @Test
    void reportsCaptureEncodeAndKeyframes() throws Exception {
        Recorder seen = new Recorder();
        try (GraphPipeline p = new GraphPipeline(GraphPipelineTest.smallTestConfig())) {
            p.observe(seen);
            p.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((seen.count("timed left") < 10 || seen.count("timed right") < 10) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            for (String eye : List.of("left", "right")) {
                assertTrue(seen.count("captured " + eye) >= seen.count("encoded " + eye), seen.toString());
                assertTrue(seen.count("timed " + eye) >= 10, "encode times are measured: " + seen);
                assertTrue(seen.count("bytes " + eye) > 100 * seen.count("encoded " + eye), seen.toString());
                assertTrue(seen.count("produced " + eye + " interval") >= 1, "the first IDR: " + seen);
            }
            assertTrue(seen.encodeNanos.stream().allMatch(n -> n > 0 && n < TimeUnit.SECONDS.toNanos(1)),
                    seen.encodeNanos.toString());

            ViewerSession v = p.connect(GraphPipelineTest.offer());
            while ((seen.count("produced left join") < 1 || seen.count("produced right join") < 1)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            for (String eye : List.of("left", "right")) {
                assertTrue(seen.count("requested " + eye + " join") == 1, seen.toString());
                assertTrue(seen.count("produced " + eye + " join") == 1, "the join IDR is attributed: " + seen);
            }
            v.close();
        }
    }
}
