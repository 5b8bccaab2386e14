package dev.stereo.calibration;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of mistake becomes a ConfigError with file, line, field, value and expectation. */
class ConfigValidationTest {

    static final Path FILE = Path.of("camera_profiles.yaml");

    private static ConfigException fail(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, FILE));
    }

    /** The only error, as printed. */
    private static String only(String yaml) {
        ConfigException e = fail(yaml);
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void wrongTypeShowsFileLineFieldValueAndExpectation() {
        ConfigException e = fail("""
                cameras:
                  left:
                    source: test
                    bitrate_mbps: abc
                """);
        assertEquals(List.of(new ConfigError(FILE, 4, "cameras.left.bitrate_mbps", "abc",
                "a number between 0.1 and 100")), e.errors());
        assertEquals("camera_profiles.yaml:4: cameras.left.bitrate_mbps = \"abc\": "
                + "expected a number between 0.1 and 100", e.getMessage());
    }

    @Test
    void outOfRangeNumbers() {
        assertEquals("camera_profiles.yaml:2: server.port = \"70000\": expected an integer between 1 and 65535",
                only("server:\n  port: 70000\n"));
        assertEquals("camera_profiles.yaml:1: stream.fps = \"0\": expected an integer between 1 and 240",
                only("stream: {fps: 0}\n"));
        assertEquals("camera_profiles.yaml:1: server.max_viewers = \"65\": expected an integer between 1 and 64",
                only("server: {max_viewers: 65}\n"));
        assertEquals("camera_profiles.yaml:1: cameras.right.bitrate_mbps = \"0.05\": "
                + "expected a number between 0.1 and 100", only("cameras: {right: {bitrate_mbps: 0.05}}\n"));
        assertEquals("camera_profiles.yaml:1: cameras.left.gop_frames = \"10001\": "
                + "expected an integer between 1 and 10000", only("cameras: {left: {gop_frames: 10001}}\n"));
    }

    @Test
    void sizesMustBeEvenAndWithinLimits() {
        assertEquals("camera_profiles.yaml:1: stream.width = \"1281\": expected an even integer between 64 and 3840",
                only("stream: {width: 1281}\n"));
        assertEquals("camera_profiles.yaml:1: stream.height = \"4320\": expected an even integer between 64 and 2160",
                only("stream: {height: 4320}\n"));
        assertEquals("camera_profiles.yaml:1: cameras.left.output_size.width = \"32\": "
                + "expected an even integer between 64 and 3840",
                only("cameras: {left: {output_size: {width: 32, height: 720}}}\n"));
    }

    @Test
    void integerFieldRejectsFractionsAndBooleans() {
        assertTrue(only("stream: {fps: 72.5}\n").endsWith("stream.fps = \"72.5\": expected an integer between 1 and 240"));
        assertTrue(only("server: {port: true}\n").contains("server.port = \"true\""));
    }

    @Test
    void nullForARequiredValueIsAnError() {
        assertEquals("camera_profiles.yaml:2: stream.fps = \"\": expected an integer between 1 and 240",
                only("stream:\n  fps:\n  width: 1280\n"));
    }

    @Test
    void badEnumValuesListTheChoicesAndSuggest() {
        assertEquals("camera_profiles.yaml:1: stream.layout = \"sidebyside\": "
                + "expected one of dual-track, side-by-side (did you mean \"side-by-side\"?)",
                only("stream: {layout: sidebyside}\n"));
        assertEquals("camera_profiles.yaml:1: cameras.left.source = \"usb\": "
                + "expected one of auto, test, libcamera, v4l2", only("cameras: {left: {source: usb}}\n"));
        assertEquals("camera_profiles.yaml:1: cameras.left.sps_pps_mode = \"always\": "
                + "expected one of every-idr, once", only("cameras: {left: {sps_pps_mode: always}}\n"));
    }

    @Test
    void badBooleanAndRotation() {
        assertEquals("camera_profiles.yaml:1: cameras.left.flip_horizontal = \"maybe\": expected true or false",
                only("cameras: {left: {flip_horizontal: maybe}}\n"));
        assertEquals("camera_profiles.yaml:1: cameras.left.rotation = \"90\": expected 0 or 180",
                only("cameras: {left: {rotation: 90}}\n"));
    }

    @Test
    void tlsCertWithoutKey() {
        assertEquals("camera_profiles.yaml:3: server.tls_cert = \"/etc/stereo/cert.pem\": "
                + "expected server.tls_key to be set too (both or neither)",
                only("server:\n  port: 8443\n  tls_cert: /etc/stereo/cert.pem\n  tls_key: null\n"));
        assertTrue(only("server: {tls_key: k.pem}\n").contains("server.tls_key = \"k.pem\": expected server.tls_cert"));
    }

    @Test
    void httpPortMustDifferFromPort() {
        // http_port is not written, so the port the user did write is blamed.
        assertEquals("camera_profiles.yaml:1: server.port = \"8080\": expected a port other than "
                + "server.http_port (default 8080); or set http_port to another port or 0 for off",
                only("server: {port: 8080}\n"));
        ConfigException e = fail("server:\n  port: 9000\n  http_port: 9000\n");
        assertEquals("camera_profiles.yaml:3: server.http_port = \"9000\": "
                + "expected a port other than server.port (9000), or 0 for off", e.getMessage());
    }

    @Test
    void tokenMustBeUsableInAnAuthorizationHeader() {
        assertTrue(only("server: {token: \"two words\"}\n").contains("server.token = \"two words\": expected a bearer token"));
        assertTrue(only("server: {token: \"\"}\n").contains("server.token = \"\""));
    }

    @Test
    void cropOutsideTheCaptureFrame() {
        assertEquals("camera_profiles.yaml:5: cameras.left.crop.width = \"1500\": expected 0 (to the right edge) "
                + "or at most 1436 so the crop ends inside the capture frame (cameras.left.capture.width = 1536)",
                only("""
                        cameras:
                          left:
                            crop:
                              x: 100
                              width: 1500
                        """));
        assertEquals("camera_profiles.yaml:1: cameras.right.crop.y = \"900\": expected an integer between 0 and 863 "
                + "so the crop starts inside the capture frame (cameras.right.capture.height = 864)",
                only("cameras: {right: {crop: {y: 900}}}\n"));
        // Checked against the capture size written in the file, not the default one.
        assertEquals(List.of(), errorsOrEmpty(
                "cameras: {left: {capture: {width: 2304, height: 1296}, crop: {x: 200, width: 1920}}}\n"));
    }

    @Test
    void offsetLimitedToOutputSize() {
        assertEquals("camera_profiles.yaml:1: cameras.left.offset_x = \"1281\": "
                + "expected an integer between -1280 and 1280 (output pixels)",
                only("cameras: {left: {offset_x: 1281}}\n"));
        assertTrue(only("cameras: {left: {output_size: {width: 640, height: 480}, offset_y: -481}}\n")
                .contains("expected an integer between -480 and 480"));
    }

    @Test
    void idrIntervalMustBeAMultipleOfGop() {
        assertEquals("camera_profiles.yaml:1: cameras.left.idr_interval = \"100\": "
                + "expected a multiple of gop_frames (72) between 72 and 10000",
                only("cameras: {left: {idr_interval: 100}}\n"));
        assertTrue(only("cameras: {left: {gop_frames: 60, idr_interval: 30}}\n")
                .contains("a multiple of gop_frames (60)"));
    }

    @Test
    void calibrationRules() {
        assertEquals("camera_profiles.yaml:1: cameras.left.distortion: lens distortion needs cameras.left.intrinsics "
                + "(fx, fy, cx, cy) to be set as well; set them, or set every coefficient to 0",
                only("cameras: {left: {distortion: {k1: -0.2}}}\n"));
        assertEquals("camera_profiles.yaml:3: cameras.left.intrinsics.fy: missing: required when "
                + "cameras.left.intrinsics is set (the focal length in capture pixels)",
                only("cameras:\n  left:\n    intrinsics: {fx: 1000, cx: 768, cy: 432}\n"));
        assertTrue(only("cameras: {left: {intrinsics: {fx: 1000, fy: 1000, cx: 2000, cy: 432}}}\n")
                .contains("cameras.left.intrinsics.cx = \"2000\": expected a number between 0 and 1536"));
    }

    @Test
    void optionalSectionsNeedAllTheirKeysAndOneErrorWhenMistyped() {
        ConfigException e = fail("cameras: {left: {output_size: {}}}\n");
        assertEquals(2, e.errors().size(), e.getMessage());
        assertTrue(e.getMessage().contains("cameras.left.output_size.width: missing"));
        assertTrue(e.getMessage().contains("cameras.left.output_size.height: missing"));
        assertEquals("camera_profiles.yaml:1: cameras.left.intrinsics = \"yes\": "
                + "expected a mapping with the keys fx, fy, cx, cy",
                only("cameras: {left: {intrinsics: yes, distortion: {k1: 0.1}}}\n"));
    }

    @Test
    void sideBySideNeedsEqualEyes() {
        assertTrue(only("stream: {layout: side-by-side}\ncameras: {right: {output_size: {width: 640, height: 360}}}\n")
                .contains("cameras.right.output_size: layout side-by-side needs both eyes the same size"));
    }

    @Test
    void unknownKeySuggestsTheNearestAndListsAllowedKeys() {
        ConfigException e = fail("""
                cameras:
                  left:
                    flip_horizonal: true
                """);
        ConfigError err = e.errors().get(0);
        assertEquals(3, err.line());
        assertEquals("cameras.left.flip_horizonal", err.fieldPath());
        assertEquals("camera_profiles.yaml:3: cameras.left.flip_horizonal: unknown key, did you mean "
                + "\"flip_horizontal\"? Allowed keys: source, device, capture, crop, flip_horizontal, "
                + "flip_vertical, rotation, offset_x, offset_y, bitrate_mbps, gop_frames, idr_interval, "
                + "sps_pps_mode, output_size, intrinsics, distortion, external_encoder", e.getMessage());
    }

    @Test
    void unknownKeyWithoutCloseMatchOnlyListsAllowedKeys() {
        String msg = only("streaming:\n  fps: 60\n");
        assertEquals("camera_profiles.yaml:1: streaming: unknown key, Allowed keys: server, stream, cameras, "
                + "reclaim_on_start, gpio, thermal", msg);
        assertTrue(only("server: {bitrate: 5}\n").contains("server.bitrate: unknown key, Allowed keys: bind,"));
        assertTrue(only("cameras: {center: {}}\n").contains("cameras.center: unknown key, Allowed keys: left, right"));
        assertTrue(only("cameras: {left: {flipHorizontal: true}}\n").contains("did you mean \"flip_horizontal\"?"));
    }

    @Test
    void duplicateKeyIsAnError() {
        assertEquals("camera_profiles.yaml:3: stream.fps: duplicate key, already set on line 2",
                only("stream:\n  fps: 60\n  fps: 90\n"));
    }

    @Test
    void sectionOfTheWrongType() {
        assertEquals("camera_profiles.yaml:1: stream = \"fast\": expected a mapping with the keys width, height, fps, layout",
                only("stream: fast\n"));
        assertEquals("camera_profiles.yaml:1: expected the document to be a mapping with the keys server, stream, cameras, "
                + "reclaim_on_start, gpio, thermal",
                only("- server\n"));
        assertTrue(only("stream: {fps: [60, 90]}\n").contains("stream.fps = \"[...]\": expected an integer"));
    }

    @Test
    void syntaxErrorReportsItsLine() {
        ConfigException e = fail("""
                server:
                  port: 8443
                stream:
                  fps: 72
                   width: 1280
                """);
        assertEquals(1, e.errors().size());
        ConfigError err = e.errors().get(0);
        assertEquals(5, err.line());
        assertEquals("", err.fieldPath());
        assertTrue(e.getMessage().startsWith("camera_profiles.yaml:5: YAML syntax error: "
                + "mapping values are not allowed here"), e.getMessage());
    }

    @Test
    void unclosedFlowSequenceReportsWhereItStarted() {
        ConfigException e = fail("stream:\n  fps: [72\n  width: 1280\n");
        assertEquals(3, e.errors().get(0).line(), e.getMessage());
        assertTrue(e.getMessage().contains("that starts on line 2"), e.getMessage());
    }

    @Test
    void threeMistakesAreReportedTogetherInFileOrder() {
        ConfigException e = fail("""
                server:
                  port: 99999
                stream:
                  width: 1280
                  layout: dual-track
                cameras:
                  left:
                    flip_horizonal: true
                  right:
                    bitrate_mbps: abc
                """);
        assertEquals(3, e.errors().size(), e.getMessage());
        String[] lines = e.getMessage().split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("camera_profiles.yaml:2: server.port = \"99999\""), lines[0]);
        assertTrue(lines[1].startsWith("camera_profiles.yaml:8: cameras.left.flip_horizonal: unknown key"), lines[1]);
        assertTrue(lines[2].startsWith("camera_profiles.yaml:10: cameras.right.bitrate_mbps = \"abc\""), lines[2]);
    }

    @Test
    void fileNameIsPrintedAsGiven() {
        Path p = Path.of("/etc/stereo/../stereo/camera_profiles.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("stream: {fps: -1}\n", p));
        assertTrue(e.getMessage().startsWith("/etc/stereo/../stereo/camera_profiles.yaml:1: "), e.getMessage());
    }

    @Test
    void keySuggesterDistance() {
        assertEquals(0, KeySuggester.distance("fps", "fps"));
        assertEquals(1, KeySuggester.distance("fsp", "fps") - 1); // a swap is two edits
        assertEquals(3, KeySuggester.distance("", "abc"));
        assertEquals("port", KeySuggester.suggest("prot", List.of("bind", "port")).orElseThrow());
        assertFalse(KeySuggester.suggest("bitrate", List.of("bitrate_mbps", "fps")).isPresent());
    }

    private static List<ConfigError> errorsOrEmpty(String yaml) {
        try {
            ConfigLoader.parse(yaml, FILE);
            return List.of();
        } catch (ConfigException e) {
            return e.errors();
        }
    }
}
