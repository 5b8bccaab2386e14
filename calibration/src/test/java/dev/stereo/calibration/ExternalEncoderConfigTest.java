package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.ExternalEncoderConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cameras.<eye>.external_encoder}: reading, defaults, and every mistake with file:line. */
class ExternalEncoderConfigTest {

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
    void absentOrNullIsNone() throws Exception {
        assertNull(ConfigLoader.defaults().left().externalEncoder());
        StereoConfig c = ConfigLoader.parse("""
                cameras:
                  left: {external_encoder: null}
                """, FILE);
        assertNull(c.left().externalEncoder());
        assertNull(c.right().externalEncoder());
    }

    @Test
    void fullEntryIsRead() throws Exception {
        StereoConfig c = ConfigLoader.parse("""
                cameras:
                  right:
                    device: "1"
                    external_encoder:
                      command:
                        - /usr/bin/rpicam-vid
                        - --camera
                        - "{camera}"
                        - --bitrate
                        - "{bitrate}"
                        - --width={width}
                        - -t
                        - 0
                        - -o
                        - "-"
                      restart_backoff_ms: {min: 0, max: 100}
                      idle_flush_ms: 0
                """, FILE);
        assertEquals(new ExternalEncoderConfig(List.of("/usr/bin/rpicam-vid", "--camera", "{camera}", "--bitrate",
                "{bitrate}", "--width={width}", "-t", "0", "-o", "-"), 0, 100, 0), c.right().externalEncoder());
        assertNull(c.left().externalEncoder());
        assertEquals("1", c.right().device());
    }

    @Test
    void onlyTheCommandIsNeededTheRestHasDefaults() throws Exception {
        StereoConfig c = ConfigLoader.parse("""
                cameras:
                  left:
                    external_encoder: {command: [ffmpeg, -i, x.mp4, -f, h264, "-"]}
                """, FILE);
        assertEquals(new ExternalEncoderConfig(List.of("ffmpeg", "-i", "x.mp4", "-f", "h264", "-"), 200, 5000, 1),
                c.left().externalEncoder());
    }

    @Test
    void theOldConstructorMeansNoExternalEncoderAndWithSourceKeepsIt() throws Exception {
        CameraConfig d = ConfigLoader.defaults().left();
        CameraConfig old = new CameraConfig(d.source(), d.device(), d.capture(), d.crop(), false, false, 0, 0, 0,
                d.bitrateMbps(), d.gopFrames(), d.idrInterval(), d.spsPpsMode(), null, null, d.distortion());
        assertEquals(d, old);
        CameraConfig ext = ConfigLoader.parse("cameras: {left: {external_encoder: {command: [x]}}}\n", FILE).left();
        CameraConfig moved = ext.withSource(StereoConfig.SourceType.TEST, "/dev/video9");
        assertEquals(StereoConfig.SourceType.TEST, moved.source());
        assertEquals("/dev/video9", moved.device());
        assertEquals(ext.externalEncoder(), moved.externalEncoder());
    }

    /** The commented example in the shipped profile, uncommented, is a valid entry. */
    @Test
    void shippedProfileDocumentsItWithAWorkingExample() throws Exception {
        String text = Files.readString(ConfigLoaderTest.SHIPPED);
        for (String key : List.of("external_encoder", "command", "restart_backoff_ms", "idle_flush_ms", "rpicam-vid")) {
            assertTrue(text.contains(key), "shipped profile lacks " + key);
        }
        for (String p : ExternalEncoderConfig.PLACEHOLDERS) {
            assertTrue(text.contains("{" + p + "}"), "shipped profile does not explain {" + p + "}");
        }
        List<String> lines = text.lines().toList();
        int start = lines.indexOf("    #   external_encoder:");
        assertTrue(start > 0, "example not found");
        String example = "cameras:\n  left:\n" + lines.subList(start, lines.size()).stream()
                .takeWhile(l -> l.startsWith("    #   "))
                .map(l -> "    " + l.substring("    #   ".length()))
                .collect(Collectors.joining("\n")) + "\n";
        StereoConfig c = ConfigLoader.parse(example, FILE);
        ExternalEncoderConfig e = c.left().externalEncoder();
        assertEquals("rpicam-vid", e.command().get(0), example);
        assertTrue(e.command().containsAll(List.of("{camera}", "{width}", "{height}", "{fps}", "{bitrate}", "{gop}",
                "--inline", "-o", "-")), e.command().toString());
        assertEquals(200, e.restartBackoffMinMs());
        assertEquals(5000, e.restartBackoffMaxMs());
        assertEquals(1, e.idleFlushMs());
    }

    @Test
    void aStringInsteadOfAMappingIsRejected() {
        assertEquals("camera_profiles.yaml:3: cameras.left.external_encoder = \"rpicam-vid -o -\": expected a mapping "
                + "with the keys command, restart_backoff_ms, idle_flush_ms", only("""
                cameras:
                  left:
                    external_encoder: rpicam-vid -o -
                """));
    }

    @Test
    void commandIsRequired() {
        assertEquals("camera_profiles.yaml:4: cameras.left.external_encoder.command: missing: required when "
                + "cameras.left.external_encoder is set (the program that writes H.264 to stdout, and its arguments)",
                only("""
                cameras:
                  left:
                    external_encoder:
                      idle_flush_ms: 1
                """));
    }

    @Test
    void commandMustBeANonEmptyListWithAProgram() {
        String expected = "expected a non-empty list: the program, then its arguments (no shell), e.g. "
                + "[rpicam-vid, --inline, -t, \"0\", -o, \"-\"]";
        assertEquals("camera_profiles.yaml:3: cameras.left.external_encoder.command = \"rpicam-vid -o -\": " + expected,
                only("""
                cameras:
                  left:
                    external_encoder: {command: rpicam-vid -o -}
                """));
        assertEquals("camera_profiles.yaml:3: cameras.left.external_encoder.command = \"[...]\": " + expected, only("""
                cameras:
                  left:
                    external_encoder: {command: []}
                """));
        assertEquals("camera_profiles.yaml:5: cameras.left.external_encoder.command[0] = \"\": expected the program "
                + "to run (a path, or a name on PATH), not empty", only("""
                cameras:
                  left:
                    external_encoder:
                      command:
                        - ""
                        - -o
                """));
    }

    @Test
    void eachBadArgumentIsReportedAtItsOwnLine() {
        ConfigException e = fail("""
                cameras:
                  right:
                    external_encoder:
                      command:
                        - rpicam-vid
                        - --camera
                        - {camera}
                        - --framerate
                        - "{framerate}"
                        - [a, b]
                """);
        assertEquals(List.of(
                new ConfigError(FILE, 7, "cameras.right.external_encoder.command[2]", "{...}",
                        "one argument as a string; quote a placeholder (\"{width}\"): unquoted, YAML reads {width} "
                                + "as a mapping"),
                new ConfigError(FILE, 9, "cameras.right.external_encoder.command[4]", "{framerate}",
                        "an argument whose placeholders are among {width} {height} {fps} {bitrate} {bitrate_kbps} "
                                + "{gop} {camera}; {framerate} is not one"),
                new ConfigError(FILE, 10, "cameras.right.external_encoder.command[5]", "[...]",
                        "one argument as a string; quote a placeholder (\"{width}\"): unquoted, YAML reads {width} "
                                + "as a mapping")), e.errors());
    }

    @Test
    void backoffMinMustNotExceedMax() {
        assertEquals("camera_profiles.yaml:5: cameras.left.external_encoder.restart_backoff_ms.max = \"100\": "
                + "expected at least cameras.left.external_encoder.restart_backoff_ms.min (500)", only("""
                cameras:
                  left:
                    external_encoder:
                      command: [x]
                      restart_backoff_ms: {min: 500, max: 100}
                """));
        assertEquals("camera_profiles.yaml:5: cameras.left.external_encoder.restart_backoff_ms.min = \"6000\": "
                + "expected at most cameras.left.external_encoder.restart_backoff_ms.max (default 5000), or set "
                + "max too", only("""
                cameras:
                  left:
                    external_encoder:
                      command: [x]
                      restart_backoff_ms: {min: 6000}
                """));
    }

    @Test
    void rangesUnknownKeysAndGeometryAreReportedAllAtOnce() {
        ConfigException e = fail("""
                cameras:
                  left:
                    flip_horizontal: true
                    external_encoder:
                      command: [x]
                      restart_backoff_ms: {min: -1, max: 0, maxi: 3}
                      idle_flush_ms: 2000
                      comand: [y]
                """);
        List<String> messages = e.errors().stream().map(ConfigError::message).toList();
        assertEquals(List.of(
                "camera_profiles.yaml:5: cameras.left.external_encoder: an external encoder captures and encodes by "
                        + "itself, so crop, flip_horizontal, flip_vertical, rotation, offset_x/offset_y and distortion "
                        + "are not applied to this eye; remove them, or use the encoder's own options (rpicam-vid "
                        + "--hflip, --vflip, --rotation 180, --roi)",
                "camera_profiles.yaml:6: cameras.left.external_encoder.restart_backoff_ms.maxi: unknown key, did you "
                        + "mean \"max\"? Allowed keys: min, max",
                "camera_profiles.yaml:6: cameras.left.external_encoder.restart_backoff_ms.min = \"-1\": expected "
                        + "milliseconds between 0 and 60000",
                "camera_profiles.yaml:6: cameras.left.external_encoder.restart_backoff_ms.max = \"0\": expected "
                        + "milliseconds between 1 and 600000",
                "camera_profiles.yaml:7: cameras.left.external_encoder.idle_flush_ms = \"2000\": expected 0 (off) or "
                        + "milliseconds up to 1000",
                "camera_profiles.yaml:8: cameras.left.external_encoder.comand: unknown key, did you mean \"command\"? "
                        + "Allowed keys: command, restart_backoff_ms, idle_flush_ms"), messages);
    }
}
