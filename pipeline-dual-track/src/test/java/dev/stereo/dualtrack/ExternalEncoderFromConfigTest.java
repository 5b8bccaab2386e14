package dev.stereo.dualtrack;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.Eye;
import dev.stereo.core.PipelineStatus;
import org.freedesktop.gstreamer.Gst;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cameras.<eye>.external_encoder} in the YAML is what {@code new DualTrackPipeline(config)}
 * runs: here the ffmpeg program of the JavaCPP jar, writing H.264 to stdout.
 */
class ExternalEncoderFromConfigTest {

    @BeforeAll
    static void init() {
        if (!Gst.isInitialized()) {
            dev.stereo.core.gst.GstRuntime.init("test");
        }
    }

    /** The ffmpeg command as a YAML flow list (JSON strings are YAML double-quoted scalars). */
    static String yamlList(List<String> command) {
        return command.stream().map(a -> "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    @Test
    void theYamlsExternalEncoderStartsAndEncodes() throws Exception {
        StereoConfig config = DualTrackPipelineTest.config("""
                  left:
                    source: test
                    bitrate_mbps: 1
                    gop_frames: 30
                    external_encoder:
                      command: %s
                      restart_backoff_ms: {min: 50, max: 400}
                      idle_flush_ms: 2
                  right: {source: test, bitrate_mbps: 1}
                """.formatted(yamlList(ExternalEncoderSourceTest.ffmpegCommand())));
        DualTrackOptions options = DualTrackOptions.from(config);
        ExternalEncoderSettings left = options.external().get(Eye.LEFT);
        assertEquals(ExternalEncoderSourceTest.ffmpegCommand(), left.command());
        assertEquals(Duration.ofMillis(50), left.minBackoff());
        assertEquals(Duration.ofMillis(400), left.maxBackoff());
        assertEquals(Duration.ofMillis(2), left.idleFlush());
        assertEquals(null, options.external().get(Eye.RIGHT));

        try (DualTrackPipeline p = new DualTrackPipeline(config)) {
            p.start();
            List<AccessUnit> units = Collections.synchronizedList(new ArrayList<>());
            p.broadcaster(Eye.LEFT).tap(units::add);
            ExternalEncoderSourceTest.waitFor(() -> units.size() >= 30, 10_000, "30 units from the external encoder");
            assertTrue(List.copyOf(units).stream().anyMatch(AccessUnit::isSelfContainedStart),
                    "an IDR with SPS/PPS among them (GOP 30, from {gop})");
            PipelineStatus s = p.status();
            assertEquals("running", s.state(), s.toString());
            assertEquals("external:ffmpeg", s.eyes().get("left").encoder(), s.toString());
            assertEquals("external:ffmpeg", s.eyes().get("left").source(), s.toString());
            assertEquals("libx264", s.eyes().get("right").encoder(), s.toString());
            assertTrue(s.eyes().get("left").framesEncoded() >= 30, s.toString());
            assertEquals(2, s.encoders());
            assertTrue(p.external(Eye.LEFT).isAlive());
        }
    }
}
