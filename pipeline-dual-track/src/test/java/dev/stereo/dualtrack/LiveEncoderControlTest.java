package dev.stereo.dualtrack;

import dev.stereo.calibration.StereoConfig.SpsPpsMode;
import dev.stereo.camera.TestScene;
import dev.stereo.core.Eye;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoException;
import org.freedesktop.gstreamer.Gst;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DualTrackPipeline#setBitrate} and {@link DualTrackPipeline#requestKeyframe}: libx264
 * takes a new bitrate between two frames (x264_encoder_reconfig inside FFmpeg's wrapper), without
 * being reopened; the encoders that cannot say so.
 */
class LiveEncoderControlTest {

    @BeforeAll
    static void init() {
        if (!Gst.isInitialized()) {
            dev.stereo.core.gst.GstRuntime.init("test");
        }
    }

    /** Bytes per second of the units captured in [from, to), over the span of their capture times. */
    private static double bytesPerSecond(List<AccessUnit> units, long from, long to) {
        long bytes = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int n = 0;
        for (AccessUnit au : units) {
            if (au.captureNanos() >= from && au.captureNanos() < to) {
                bytes += au.size();
                first = Math.min(first, au.captureNanos());
                last = Math.max(last, au.captureNanos());
                n++;
            }
        }
        assertTrue(n >= 10, "only " + n + " units in the window");
        // n units cover n frame intervals: the span between the first and last is n - 1 of them.
        return bytes / ((last - first) / 1e9 * n / (n - 1));
    }

    @Test
    void libx264BitrateDropsLiveWithoutReopeningAndRequestKeyframeGivesAnIdr() throws Exception {
        try (DualTrackPipeline p = new DualTrackPipeline(DualTrackPipelineTest.config("""
                  left: {source: test, bitrate_mbps: 4, gop_frames: 3000}
                  right: {source: test, bitrate_mbps: 4, gop_frames: 3000}
                """))) {
            p.start();
            List<AccessUnit> left = Collections.synchronizedList(new ArrayList<>());
            List<AccessUnit> right = Collections.synchronizedList(new ArrayList<>());
            p.broadcaster(Eye.LEFT).tap(left::add);
            p.broadcaster(Eye.RIGHT).tap(right::add);
            FfmpegEncoder encoder = p.encoder(Eye.LEFT).ffmpeg();
            assertEquals("libx264", encoder.choice().codec());
            assertEquals(4.0, p.status().eyes().get("left").bitrateMbps());

            // Frames rather than wall time decide the windows: a slow machine only stretches them.
            ExternalEncoderSourceTest.waitFor(() -> left.size() >= 60, 20_000, "60 frames at 4 Mbit/s");
            long change = System.nanoTime();
            long framesBefore = encoder.framesIn();
            p.setBitrate(Eye.LEFT, 0.5);
            PipelineStatus s = p.status();
            assertEquals(0.5, s.eyes().get("left").bitrateMbps(), "status reports the live bitrate: " + s);
            assertEquals(4.0, s.eyes().get("right").bitrateMbps(), "the other eye is untouched: " + s);
            int at = left.size();
            ExternalEncoderSourceTest.waitFor(() -> left.size() >= at + 75, 20_000, "75 frames at 0.5 Mbit/s");

            List<AccessUnit> units = List.copyOf(left);
            long start = units.get(15).captureNanos(); // past the first IDR and rate control's start
            // Half a second for the rate control to settle at the new target (VBV of two frames).
            long settled = change + TimeUnit.MILLISECONDS.toNanos(500);
            double high = bytesPerSecond(units, start, change);
            double low = bytesPerSecond(units, settled, Long.MAX_VALUE);
            double ratio = high / low;
            System.out.printf("libx264 320x240: %.0f kbit/s at 4 Mbit/s, %.0f kbit/s at 0.5 Mbit/s (ratio %.1f)%n",
                    high * 8 / 1000, low * 8 / 1000, ratio);
            assertTrue(ratio > 3, "the bitrate drops clearly: ratio " + ratio);
            // Same encoder object, never reopened: a reopened x264 would have started with an IDR.
            assertSame(encoder, p.encoder(Eye.LEFT).ffmpeg());
            assertTrue(encoder.framesIn() > framesBefore + 60, "the same encoder went on encoding");
            for (int i = 1; i < units.size(); i++) {
                assertFalse(units.get(i).isIdr(), "no IDR but the first (GOP 3000), unit " + i + " of " + units.size());
            }
            assertEquals(0, p.keyframes(Eye.LEFT).forced());

            // Both eyes, through the rate-limited keyframe path.
            int l = left.size();
            int r = right.size();
            long requestsBefore = p.keyframes(Eye.RIGHT).requests();
            p.requestKeyframe();
            ExternalEncoderSourceTest.waitFor(() -> List.copyOf(left).subList(l, left.size()).stream()
                    .anyMatch(AccessUnit::isSelfContainedStart), 2_000, "an IDR with SPS/PPS on the left");
            ExternalEncoderSourceTest.waitFor(() -> List.copyOf(right).subList(r, right.size()).stream()
                    .anyMatch(AccessUnit::isSelfContainedStart), 2_000, "an IDR with SPS/PPS on the right");
            assertEquals(1, p.keyframes(Eye.LEFT).forced());
            assertEquals(1, p.keyframes(Eye.RIGHT).forced());
            assertEquals(requestsBefore + 1, p.keyframes(Eye.RIGHT).requests());
            assertEquals("running", p.status().state());

            StereoException bad = assertThrows(StereoException.class, () -> p.setBitrate(Eye.RIGHT, 0));
            assertTrue(bad.getMessage().contains("positive"), bad.getMessage());
        }
    }

    /** The same on the encoder alone, frame by frame: no timing at all. */
    @Test
    void ffmpegEncoderTakesTheNewBitrateAtTheNextFrame() throws Exception {
        int w = 320;
        int h = 240;
        EncoderSettings settings = new EncoderSettings(w, h, 30, 4.0, 3000, 3000, SpsPpsMode.EVERY_IDR);
        TestScene scene = new TestScene(Eye.LEFT, w, h);
        ByteBuffer frame = ByteBuffer.allocateDirect(TestScene.frameBytes(w, h));
        List<AccessUnit> out = new ArrayList<>();
        try (FfmpegEncoder enc = FfmpegEncoder.open(settings, List.of("libx264"))) {
            for (int i = 0; i < 150; i++) {
                if (i == 60) {
                    enc.setBitrate(500_000);
                    assertEquals(500_000, enc.bitrate());
                }
                scene.render(frame, i);
                enc.encode(frame, i, i, i, false, out::add);
            }
        }
        assertEquals(150, out.size());
        long high = out.subList(15, 60).stream().mapToLong(AccessUnit::size).sum() / 45;
        long low = out.subList(75, 150).stream().mapToLong(AccessUnit::size).sum() / 75;
        System.out.printf("libx264 bytes per frame: %d at 4 Mbit/s, %d at 0.5 Mbit/s%n", high, low);
        assertTrue(high > 3 * low, high + " vs " + low + " bytes per frame");
        assertEquals(1, out.stream().filter(AccessUnit::isIdr).count(), "no reopen, no new IDR");
    }

    @Test
    void encodersThatCannotChangeLiveSayWhy() throws Exception {
        try (DualTrackPipeline p = new DualTrackPipeline(DualTrackPipelineTest.testConfig(),
                DualTrackOptions.defaults().withCodecs(List.of("libopenh264"))
                        .withExternal(Eye.RIGHT, ExternalEncoderSettings.of(ExternalEncoderSourceTest.ffmpegCommand())))) {
            StereoException notRunning = assertThrows(StereoException.class, () -> p.setBitrate(Eye.LEFT, 2));
            assertTrue(notRunning.getMessage().contains("not running"), notRunning.getMessage());
            p.start();
            assertEquals("libopenh264", p.status().eyes().get("left").encoder());
            StereoException openh264 = assertThrows(StereoException.class, () -> p.setBitrate(Eye.LEFT, 2));
            assertTrue(openh264.getMessage().contains("libopenh264"), openh264.getMessage());
            StereoException external = assertThrows(StereoException.class, () -> p.setBitrate(Eye.RIGHT, 2));
            assertTrue(external.getMessage().contains("external process (ffmpeg)"), external.getMessage());
            assertEquals(1.0, p.status().eyes().get("left").bitrateMbps());
            assertEquals(1.0, p.status().eyes().get("right").bitrateMbps());

            long before = p.keyframes(Eye.LEFT).requests();
            StereoException key = assertThrows(StereoException.class, p::requestKeyframe);
            assertTrue(key.getMessage().contains("right eye is encoded by an external process"), key.getMessage());
            assertEquals(before + 1, p.keyframes(Eye.LEFT).requests(), "the left eye was still asked");
        }
        assertTrue(FfmpegEncoder.liveBitrateUnsupported("h264_v4l2m2m").contains("only when it opens"));
        assertEquals(null, FfmpegEncoder.liveBitrateUnsupported("libx264"));
    }
}
