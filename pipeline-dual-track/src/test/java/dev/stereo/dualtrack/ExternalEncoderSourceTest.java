package dev.stereo.dualtrack;

import dev.stereo.core.Eye;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoException;
import org.bytedeco.javacpp.Loader;
import org.freedesktop.gstreamer.Gst;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The external-encoder source with a real process: the ffmpeg program that ships inside the
 * JavaCPP FFmpeg jar, writing x264 Annex-B to stdout from its own test pattern.
 */
class ExternalEncoderSourceTest {

    @BeforeAll
    static void init() {
        if (!Gst.isInitialized()) {
            dev.stereo.core.gst.GstRuntime.init("test");
        }
    }

    static List<String> ffmpegCommand() {
        String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        return List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
                "-i", "testsrc2=size={width}x{height}:rate={fps}", "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "{gop}", "-bf", "0", "-b:v", "{bitrate_kbps}k",
                "-x264-params", "repeat-headers=1", "-f", "h264", "-");
    }

    record Arrival(AccessUnit au, long nanos) {}

    @Test
    void killedEncoderIsRestartedAndTheViewerResumesAtAnIdrWithoutReconnecting() throws Exception {
        DualTrackOptions options = DualTrackOptions.defaults()
                .withExternal(Eye.LEFT, ExternalEncoderSettings.of(ffmpegCommand()));
        try (DualTrackPipeline p = new DualTrackPipeline(DualTrackPipelineTest.config("""
                  left: {source: test, bitrate_mbps: 1, gop_frames: 30}
                  right: {source: test, bitrate_mbps: 1}
                """), options)) {
            List<Long> publishDelay = Collections.synchronizedList(new ArrayList<>());
            p.start();
            // How long after its first bytes were read a unit is published: with the idle flush,
            // not a frame later (printed only; latency is a benchmark's business, not a unit test's).
            p.broadcaster(Eye.LEFT).tap(au -> publishDelay.add(System.nanoTime() - au.captureNanos()));
            // A viewer's queue, read the way a viewer's sender reads it.
            AccessUnitBroadcaster.Subscription sub = p.broadcaster(Eye.LEFT).subscribe(16);
            List<Arrival> got = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean done = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try {
                    while (!done.get()) {
                        AccessUnit au = sub.take(50, TimeUnit.MILLISECONDS);
                        if (au != null) {
                            got.add(new Arrival(au, System.nanoTime()));
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            reader.start();
            waitFor(() -> got.size() >= 20, 10_000, "units from the external encoder");
            assertTrue(got.get(0).au().isSelfContainedStart(), "starts at an IDR with SPS/PPS");
            PipelineStatus s = p.status();
            assertTrue(s.eyes().get("left").encoder().startsWith("external:ffmpeg"), s.toString());
            assertTrue(s.eyes().get("left").source().startsWith("external:"), s.toString());
            assertEquals("libx264", s.eyes().get("right").encoder());
            assertEquals(2, s.encoders());

            ExternalEncoderSource ext = p.external(Eye.LEFT);
            long killed = System.nanoTime();
            ext.processHandle().destroyForcibly();
            // Units read before the kill may still be queued; the new process's are those read after it.
            waitFor(() -> got.stream().anyMatch(a -> a.au().captureNanos() > killed), 5_000, "units after the kill");
            Arrival resumed = got.stream().filter(a -> a.au().captureNanos() > killed).findFirst().orElseThrow();
            long ms = TimeUnit.NANOSECONDS.toMillis(resumed.nanos() - killed);
            System.out.println("stream back " + ms + " ms after the kill");
            assertTrue(resumed.au().isSelfContainedStart(), "resumes at an IDR with SPS/PPS: " + resumed.au());
            assertTrue(ms < 2000, "back within 2 s, took " + ms + " ms");
            assertEquals(1, ext.restarts());
            int after = got.size();
            waitFor(() -> got.size() >= after + 10, 5_000, "the stream to go on");
            assertEquals(2, p.status().encoders());
            List<Long> sorted = new ArrayList<>(publishDelay);
            Collections.sort(sorted);
            System.out.printf("external unit read-to-publish delay: median %.2f ms over %d units%n",
                    sorted.get(sorted.size() / 2) / 1e6, sorted.size());
            done.set(true);
            reader.join(2000);
            sub.close();
        }
    }

    @Test
    void aCommandThatCannotRunIsAClearStartError() throws Exception {
        DualTrackOptions options = DualTrackOptions.defaults().withExternal(Eye.RIGHT,
                ExternalEncoderSettings.of(List.of("/nonexistent/rpicam-vid", "--inline", "-o", "-")));
        try (DualTrackPipeline p = new DualTrackPipeline(DualTrackPipelineTest.testConfig(), options)) {
            StereoException e = assertThrows(StereoException.class, p::start);
            assertTrue(e.getMessage().contains("external encoder for the right eye could not be started"), e.getMessage());
            assertTrue(e.getMessage().contains("/nonexistent/rpicam-vid"), e.getMessage());
            assertEquals(0, p.status().encoders());
        }
    }

    @Test
    void placeholdersAreFilledFromTheEyesSettings() {
        ExternalEncoderSettings s = ExternalEncoderSettings.of(List.of("/usr/bin/rpicam-vid", "--camera", "{camera}",
                "--width", "{width}", "--height", "{height}", "--framerate", "{fps}", "--bitrate", "{bitrate}",
                "--intra", "{gop}", "--inline", "-o", "-"));
        List<String> cmd = s.expand(java.util.Map.of("camera", "1", "width", "1280", "height", "720", "fps", "72",
                "bitrate", "12000000", "gop", "72"));
        assertEquals(List.of("/usr/bin/rpicam-vid", "--camera", "1", "--width", "1280", "--height", "720",
                "--framerate", "72", "--bitrate", "12000000", "--intra", "72", "--inline", "-o", "-"), cmd);
        assertEquals("rpicam-vid", s.program());
    }

    static void waitFor(java.util.function.BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
