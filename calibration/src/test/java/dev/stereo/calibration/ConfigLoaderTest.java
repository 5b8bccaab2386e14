package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.Crop;
import dev.stereo.calibration.StereoConfig.Distortion;
import dev.stereo.calibration.StereoConfig.Intrinsics;
import dev.stereo.calibration.StereoConfig.Layout;
import dev.stereo.calibration.StereoConfig.ServerConfig;
import dev.stereo.calibration.StereoConfig.Size;
import dev.stereo.calibration.StereoConfig.SourceType;
import dev.stereo.calibration.StereoConfig.SpsPpsMode;
import dev.stereo.calibration.StereoConfig.StreamConfig;
import dev.stereo.core.Eye;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading valid files: defaults, the shipped profile, a full round trip, fallbacks. */
class ConfigLoaderTest {

    /** Surefire runs in the module directory; the shipped profile is at the repository root. */
    static final Path SHIPPED = Path.of("..", "config", "camera_profiles.yaml");

    @Test
    void defaultsSuitAPi5WithTwoImx708() {
        StereoConfig d = ConfigLoader.defaults();
        assertNull(d.file());
        assertEquals(new ServerConfig("0.0.0.0", 8443, 8080, null, null, Path.of("/var/lib/stereo"), null, 4),
                d.server());
        assertEquals(new StreamConfig(1280, 720, 72, Layout.DUAL_TRACK), d.stream());
        CameraConfig cam = d.left();
        assertEquals(SourceType.AUTO, cam.source());
        assertNull(cam.device(), "null device = libcamera index by eye");
        assertEquals(new Size(1536, 864), cam.capture());
        assertEquals(Crop.NONE, cam.crop());
        assertEquals(12.0, cam.bitrateMbps());
        assertEquals(72, cam.gopFrames());
        assertEquals(72, cam.idrInterval());
        assertEquals(SpsPpsMode.EVERY_IDR, cam.spsPpsMode());
        assertNull(cam.outputSize());
        assertNull(cam.intrinsics());
        assertEquals(Distortion.NONE, cam.distortion());
        assertTrue(cam.isIdentityGeometry());
        assertEquals(d.left(), d.right());
        assertSame(d.right(), d.camera(Eye.RIGHT));
    }

    @Test
    void shippedProfileEqualsDefaults() throws Exception {
        StereoConfig loaded = ConfigLoader.load(SHIPPED);
        StereoConfig d = ConfigLoader.defaults();
        assertEquals(SHIPPED, loaded.file());
        assertEquals(new StereoConfig(SHIPPED, d.server(), d.stream(), d.left(), d.right()), loaded);
    }

    @Test
    void shippedProfileWritesEveryKey() throws Exception {
        // Every key of the schema appears in the shipped file, so users see all there is.
        String text = Files.readString(SHIPPED);
        for (var keys : java.util.List.of(ConfigReader.ROOT_KEYS, ConfigReader.SERVER_KEYS,
                ConfigReader.STREAM_KEYS, ConfigReader.CAMERA_KEYS, ConfigReader.CROP_KEYS,
                ConfigReader.DISTORTION_KEYS)) {
            for (String key : keys) {
                assertTrue(java.util.regex.Pattern.compile("(?m)^ *" + key + ":").matcher(text).find(),
                        "shipped profile lacks " + key);
            }
        }
    }

    @Test
    void emptyOrCommentOnlyTextGivesDefaults() throws Exception {
        StereoConfig d = ConfigLoader.defaults();
        assertEquals(d, ConfigLoader.parse("", null));
        assertEquals(d, ConfigLoader.parse("# nothing here\n", null));
    }

    @Test
    void missingKeysAndSectionsFallBackToDefaults() throws Exception {
        StereoConfig c = ConfigLoader.parse("""
                stream:
                  fps: 60
                cameras:
                  right:
                    flip_vertical: true
                server:
                """, null);
        StereoConfig d = ConfigLoader.defaults();
        assertEquals(d.server(), c.server(), "a null section is all defaults");
        assertEquals(new StreamConfig(1280, 720, 60, Layout.DUAL_TRACK), c.stream());
        assertEquals(d.left(), c.left());
        assertTrue(c.right().flipVertical());
        assertEquals(d.right().capture(), c.right().capture());
    }

    @Test
    void fullFileRoundTrip(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("camera_profiles.yaml");
        Files.writeString(file, """
                server:
                  bind: "127.0.0.1"
                  port: 9443
                  http_port: 0
                  tls_cert: certs/cert.pem
                  tls_key: /etc/stereo/key.pem
                  state_dir: state
                  token: s3cr3t-Token_1
                  max_viewers: 8
                stream:
                  width: 1920
                  height: 1080
                  fps: 60
                  layout: side-by-side
                cameras:
                  left:
                    source: libcamera
                    device: 0
                    capture: {width: 2304, height: 1296}
                    crop: {x: 100, y: 50, width: 1920, height: 1080}
                    flip_horizontal: true
                    flip_vertical: no
                    rotation: 180
                    offset_x: -12
                    offset_y: 7
                    bitrate_mbps: 25.5
                    gop_frames: 30
                    idr_interval: 60
                    sps_pps_mode: once
                    output_size: {width: 1920, height: 1080}
                    intrinsics: {fx: 1180.5, fy: 1179, cx: 1152, cy: 648}
                    distortion: {k1: -0.31, k2: 0.12, p1: 0.001, p2: -0.002, k3: -0.02}
                  right:
                    source: v4l2
                    device: /dev/video2
                    capture: {width: 1920, height: 1080}
                    crop: {x: 0, y: 0, width: 0, height: 0}
                    rotation: 0
                    bitrate_mbps: 1_0
                    gop_frames: 0x10
                    distortion: {k1: 0.05}
                    intrinsics: {fx: 1000, fy: 1000, cx: 960, cy: 540}
                """);
        StereoConfig c = ConfigLoader.load(file);
        assertEquals(file, c.file());
        assertEquals(new ServerConfig("127.0.0.1", 9443, 0, dir.toAbsolutePath().resolve("certs/cert.pem"),
                Path.of("/etc/stereo/key.pem"), dir.toAbsolutePath().resolve("state"), "s3cr3t-Token_1", 8),
                c.server());
        assertEquals(new StreamConfig(1920, 1080, 60, Layout.SIDE_BY_SIDE), c.stream());
        assertEquals(new CameraConfig(SourceType.LIBCAMERA, "0", new Size(2304, 1296),
                new Crop(100, 50, 1920, 1080), true, false, 180, -12, 7, 25.5, 30, 60, SpsPpsMode.ONCE,
                new Size(1920, 1080), new Intrinsics(1180.5, 1179, 1152, 648),
                new Distortion(-0.31, 0.12, 0.001, -0.002, -0.02)), c.left());
        assertEquals(new CameraConfig(SourceType.V4L2, "/dev/video2", new Size(1920, 1080), Crop.NONE,
                false, false, 0, 0, 0, 10.0, 16, 16, SpsPpsMode.EVERY_IDR, null,
                new Intrinsics(1000, 1000, 960, 540), new Distortion(0.05, 0, 0, 0, 0)), c.right());
    }

    @Test
    void mergeKeysShareSettingsBetweenEyes() throws Exception {
        StereoConfig c = ConfigLoader.parse("""
                cameras:
                  left: &eye
                    bitrate_mbps: 20
                    flip_vertical: true
                  right:
                    <<: *eye
                    flip_vertical: false
                """, null);
        assertEquals(20.0, c.left().bitrateMbps());
        assertEquals(20.0, c.right().bitrateMbps());
        assertTrue(c.left().flipVertical());
        assertEquals(false, c.right().flipVertical(), "explicit keys win over merged ones");
    }

    @Test
    void idrIntervalFollowsGopWhenLeftOut() throws Exception {
        StereoConfig c = ConfigLoader.parse("cameras: {left: {gop_frames: 30}}\n", null);
        assertEquals(30, c.left().idrInterval());
    }

    @Test
    void missingFileIsAConfigErrorNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(1, e.errors().size());
        assertTrue(e.getMessage().startsWith(missing + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void directoryIsAConfigErrorNamingTheFile(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
        assertTrue(e.getMessage().startsWith(dir + ": cannot read"), e.getMessage());
    }
}
