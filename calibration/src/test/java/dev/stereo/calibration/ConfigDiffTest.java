package dev.stereo.calibration;

import dev.stereo.core.Eye;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigDiffTest {

    static final String BASE = """
            stream: {width: 640, height: 360, fps: 30}
            cameras:
              left: {source: test, bitrate_mbps: 2}
              right: {source: test, bitrate_mbps: 2}
            """;

    static StereoConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Path.of("c.yaml"));
    }

    @Test
    void sameTextIsNoChange() throws Exception {
        assertTrue(ConfigDiff.between(parse(BASE), parse(BASE + "# a comment\n")).isEmpty());
    }

    @Test
    void geometryChangesAreLivePerEye() throws Exception {
        ConfigDiff d = ConfigDiff.between(parse(BASE), parse(BASE.replace(
                "left: {source: test,", "left: {source: test, flip_horizontal: true, crop: {x: 8},")));
        assertEquals(Set.of(Eye.LEFT), d.geometry());
        assertEquals(List.of(), d.needsRestart());
        assertFalse(d.bitrate());
        ConfigDiff rect = ConfigDiff.between(parse(BASE), parse(BASE.replace("right: {source: test,",
                "right: {source: test, offset_x: 4, intrinsics: {fx: 500, fy: 500, cx: 320, cy: 180}, "
                        + "distortion: {k1: -0.1},")));
        assertEquals(Set.of(Eye.RIGHT), rect.geometry());
    }

    @Test
    void bitrateAndFpsAreLiveTargetsTheRestNeedsARestart() throws Exception {
        ConfigDiff d = ConfigDiff.between(parse(BASE), parse("""
                server: {max_viewers: 2}
                stream: {width: 640, height: 480, fps: 60, layout: side-by-side}
                cameras:
                  left: {source: test, bitrate_mbps: 4, gop_frames: 30}
                  right: {source: test, bitrate_mbps: 2}
                thermal: {throttle_c: 80}
                """));
        assertTrue(d.bitrate());
        assertTrue(d.fps());
        assertEquals(Set.of(), d.geometry());
        assertEquals(List.of("server.max_viewers", "stream.height", "stream.layout", "cameras.left.gop_frames", "cameras.left.idr_interval",
                "thermal"), d.needsRestart());
    }
}
