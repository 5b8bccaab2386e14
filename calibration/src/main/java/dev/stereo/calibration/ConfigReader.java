package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.ApplianceConfig;
import dev.stereo.calibration.StereoConfig.ButtonAction;
import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.Crop;
import dev.stereo.calibration.StereoConfig.Distortion;
import dev.stereo.calibration.StereoConfig.ExternalEncoderConfig;
import dev.stereo.calibration.StereoConfig.GpioConfig;
import dev.stereo.calibration.StereoConfig.Intrinsics;
import dev.stereo.calibration.StereoConfig.Layout;
import dev.stereo.calibration.StereoConfig.ServerConfig;
import dev.stereo.calibration.StereoConfig.Size;
import dev.stereo.calibration.StereoConfig.SourceType;
import dev.stereo.calibration.StereoConfig.SpsPpsMode;
import dev.stereo.calibration.StereoConfig.StreamConfig;
import dev.stereo.calibration.StereoConfig.ThermalConfig;
import org.yaml.snakeyaml.nodes.Node;

import static dev.stereo.core.StreamLimits.MAX_BITRATE_MBPS;
import static dev.stereo.core.StreamLimits.MAX_FPS;
import static dev.stereo.core.StreamLimits.MIN_BITRATE_MBPS;
import static dev.stereo.core.StreamLimits.MIN_FPS;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The schema of {@code camera_profiles.yaml}: which keys exist, their types, ranges and the
 * rules that tie fields together. Turns a composed YAML node tree into a {@link StereoConfig},
 * reporting problems to an {@link ErrorCollector} instead of stopping at the first.
 * One instance per load; not thread-safe. Called by {@link ConfigLoader} only.
 */
final class ConfigReader {

    static final List<String> ROOT_KEYS = List.of("server", "stream", "cameras", "reclaim_on_start", "gpio", "thermal");
    static final List<String> SERVER_KEYS = List.of(
            "bind", "port", "http_port", "tls_cert", "tls_key", "state_dir", "token", "max_viewers");
    static final List<String> STREAM_KEYS = List.of("width", "height", "fps", "layout");
    static final List<String> CAMERAS_KEYS = List.of("left", "right");
    static final List<String> CAMERA_KEYS = List.of(
            "source", "device", "capture", "crop", "flip_horizontal", "flip_vertical", "rotation",
            "offset_x", "offset_y", "bitrate_mbps", "gop_frames", "idr_interval", "sps_pps_mode",
            "output_size", "intrinsics", "distortion", "external_encoder");
    static final List<String> EXTERNAL_ENCODER_KEYS = List.of("command", "restart_backoff_ms", "idle_flush_ms");
    static final List<String> BACKOFF_KEYS = List.of("min", "max");
    static final List<String> SIZE_KEYS = List.of("width", "height");
    static final List<String> GPIO_KEYS = List.of(
            "led_pin", "led_active_low", "button_pin", "button_active_low", "short_press", "long_press_ms");
    static final List<String> THERMAL_KEYS = List.of(
            "enabled", "sensor", "poll_interval_s", "throttle_c", "resume_c", "step_interval_s",
            "min_bitrate_mbps", "min_fps");

    /** The 40-pin header exposes BCM GPIO 0..27 on every Pi from the B+ to the Pi 5. */
    static final int MAX_GPIO = 27;
    static final List<String> CROP_KEYS = List.of("x", "y", "width", "height");
    static final List<String> INTRINSICS_KEYS = List.of("fx", "fy", "cx", "cy");
    static final List<String> DISTORTION_KEYS = List.of("k1", "k2", "p1", "p2", "k3");

    /** Encoded picture limits: 4K UHD is the most any H.264 level the Quest decodes allows. */
    static final int MIN_SIZE = 64;
    static final int MAX_WIDTH = 3840;
    static final int MAX_HEIGHT = 2160;
    /** Sensor modes go beyond the encode limit (IMX708 full resolution is 4608x2592). */
    static final int MAX_CAPTURE = 8192;
    static final int MAX_GOP = 10000;

    /** A {name} in an external encoder's argument; only the known names are filled in. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    /** RFC 6750 b64token: anything else could never match an Authorization header. */
    private static final Pattern BEARER_TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    private static final Map<String, Layout> LAYOUTS = words(Layout.values(), Layout::key);
    private static final Map<String, SpsPpsMode> SPS_PPS_MODES = words(SpsPpsMode.values(), SpsPpsMode::key);
    private static final Map<String, SourceType> SOURCES =
            words(SourceType.values(), s -> s.name().toLowerCase(Locale.ROOT));
    private static final Map<String, ButtonAction> BUTTON_ACTIONS = words(ButtonAction.values(), ButtonAction::key);

    private final ErrorCollector errors;
    /** Relative paths in the file are relative to the file, not to wherever the service started. */
    private final Path baseDir;

    private ConfigReader(ErrorCollector errors, Path file) {
        this.errors = errors;
        this.baseDir = file == null ? null : file.toAbsolutePath().getParent();
    }

    /** Reads the document; {@code root} is null for an empty file (all defaults). */
    static StereoConfig read(Node root, Path file, ErrorCollector errors) {
        return new ConfigReader(errors, file).document(root, file);
    }

    private StereoConfig document(Node root, Path file) {
        YamlSection doc = YamlSection.read(errors, "", root, 1, ROOT_KEYS);
        ServerConfig server = server(doc.section("server", SERVER_KEYS));
        StreamConfig stream = stream(doc.section("stream", STREAM_KEYS));
        YamlSection cameras = doc.section("cameras", CAMERAS_KEYS);
        YamlSection leftSection = cameras.section("left", CAMERA_KEYS);
        YamlSection rightSection = cameras.section("right", CAMERA_KEYS);
        CameraConfig left = camera(leftSection, stream);
        CameraConfig right = camera(rightSection, stream);
        checkSideBySide(stream, left, leftSection, right, rightSection);
        ApplianceConfig appliance = new ApplianceConfig(
                doc.bool("reclaim_on_start", ConfigDefaults.APPLIANCE.reclaimOnStart()),
                gpio(doc.section("gpio", GPIO_KEYS)),
                thermal(doc.section("thermal", THERMAL_KEYS)));
        return new StereoConfig(file, server, stream, left, right, appliance);
    }

    // ---- gpio, thermal --------------------------------------------------------------------

    private static GpioConfig gpio(YamlSection s) {
        GpioConfig d = ConfigDefaults.GPIO;
        Integer led = optionalPin(s, "led_pin", "LED");
        Integer button = optionalPin(s, "button_pin", "button");
        if (led != null && led.equals(button)) {
            s.reject("button_pin", "a GPIO other than " + s.field("led_pin") + " (" + led + ")");
            button = null;
        }
        return new GpioConfig(led, s.bool("led_active_low", d.ledActiveLow()), button,
                s.bool("button_active_low", d.buttonActiveLow()),
                s.choice("short_press", d.shortPress(), BUTTON_ACTIONS),
                s.integer("long_press_ms", d.longPressMs(), 300, 10000,
                        "milliseconds between 300 and 10000"));
    }

    /** null or absent: no such device. Header pins are numbered differently: say so. */
    private static Integer optionalPin(YamlSection s, String key, String what) {
        if (!s.has(key)) {
            return null;
        }
        int pin = s.integer(key, -1, 0, MAX_GPIO, "a BCM GPIO number between 0 and " + MAX_GPIO
                + " (GPIO17 is 17, not header pin 11), or null for no " + what);
        return s.ok(key) ? pin : null;
    }

    private ThermalConfig thermal(YamlSection s) {
        ThermalConfig d = ConfigDefaults.THERMAL;
        boolean enabled = s.bool("enabled", d.enabled());
        Path sensor = s.path("sensor", d.sensor(), false, baseDir,
                "a file with the temperature in millidegrees Celsius, e.g. /sys/class/thermal/thermal_zone0/temp");
        double poll = s.number("poll_interval_s", d.pollIntervalS(), 0.1, 60);
        double throttle = s.number("throttle_c", d.throttleC(), 30, 110);
        double resume = s.number("resume_c", d.resumeC(), 20, 110);
        if (s.ok("throttle_c", "resume_c") && resume >= throttle) {
            // Without a gap the two thresholds would step down and up on every reading.
            s.reject("resume_c", "a temperature below " + s.field("throttle_c") + " (" + YamlSection.plain(throttle)
                    + "), e.g. " + YamlSection.plain(throttle - 7));
            resume = Math.min(d.resumeC(), throttle - 1);
        }
        double step = s.number("step_interval_s", d.stepIntervalS(), 0, 600);
        double minBitrate = s.number("min_bitrate_mbps", d.minBitrateMbps(), MIN_BITRATE_MBPS, MAX_BITRATE_MBPS);
        int minFps = s.integer("min_fps", d.minFps(), MIN_FPS, MAX_FPS);
        return new ThermalConfig(enabled, sensor, poll, throttle, resume, step, minBitrate, minFps);
    }

    // ---- server ---------------------------------------------------------------------------

    private ServerConfig server(YamlSection s) {
        ServerConfig d = ConfigDefaults.SERVER;
        String bindExpected = "an address to listen on, e.g. 0.0.0.0, :: or 127.0.0.1";
        String bind = s.string("bind", d.bind(), false, bindExpected);
        if (s.ok("bind") && (bind.isBlank() || bind.chars().anyMatch(Character::isWhitespace))) {
            s.reject("bind", bindExpected);
            bind = d.bind();
        }
        int port = s.integer("port", d.port(), 1, 65535);
        int httpPort = s.integer("http_port", d.httpPort(), 0, 65535,
                "0 (off) or a port between 1 and 65535");
        if (httpPort != 0 && httpPort == port && s.ok("port", "http_port")) {
            // Blame the key the user wrote; with http_port left at its default that is port.
            if (s.has("http_port")) {
                s.reject("http_port", "a port other than server.port (" + port + "), or 0 for off");
            } else {
                s.reject("port", "a port other than " + s.field("http_port") + " (default "
                        + httpPort + "); or set http_port to another port or 0 for off");
            }
        }
        Path tlsCert = s.path("tls_cert", d.tlsCert(), true, baseDir,
                "the path of a PEM certificate chain, or null to generate a self-signed one");
        Path tlsKey = s.path("tls_key", d.tlsKey(), true, baseDir,
                "the path of the PEM private key of tls_cert, or null");
        if (s.ok("tls_cert", "tls_key")) {
            // One without the other is always a mistake: we could neither use it nor ignore it.
            if (tlsCert != null && tlsKey == null) {
                s.reject("tls_cert", s.field("tls_key") + " to be set too (both or neither)");
            } else if (tlsKey != null && tlsCert == null) {
                s.reject("tls_key", s.field("tls_cert") + " to be set too (both or neither)");
            }
        }
        Path stateDir = s.path("state_dir", d.stateDir(), false, baseDir,
                "a directory for generated state such as the certificate");
        String tokenExpected = "a bearer token of letters, digits and -._~+/ (RFC 6750), or null for none";
        String token = s.string("token", d.token(), true, tokenExpected);
        if (token != null && s.ok("token") && !BEARER_TOKEN.matcher(token).matches()) {
            s.reject("token", tokenExpected);
            token = d.token();
        }
        int maxViewers = s.integer("max_viewers", d.maxViewers(), 1, 64);
        return new ServerConfig(bind, port, httpPort, tlsCert, tlsKey, stateDir, token, maxViewers);
    }

    // ---- stream ---------------------------------------------------------------------------

    private StreamConfig stream(YamlSection s) {
        StreamConfig d = ConfigDefaults.STREAM;
        return new StreamConfig(
                s.evenInteger("width", d.width(), MIN_SIZE, MAX_WIDTH),
                s.evenInteger("height", d.height(), MIN_SIZE, MAX_HEIGHT),
                s.integer("fps", d.fps(), MIN_FPS, MAX_FPS),
                s.choice("layout", d.layout(), LAYOUTS));
    }

    // ---- cameras --------------------------------------------------------------------------

    private CameraConfig camera(YamlSection c, StreamConfig stream) {
        CameraConfig d = ConfigDefaults.CAMERA;
        SourceType source = c.choice("source", d.source(), SOURCES);
        String deviceExpected = "a libcamera camera name or index, a V4L2 device path, "
                + "or null to pick camera 0 for left and 1 for right";
        String device = c.string("device", d.device(), true, deviceExpected);
        if (device != null && device.isBlank() && c.ok("device")) {
            c.reject("device", deviceExpected);
            device = d.device();
        }

        YamlSection cap = c.section("capture", SIZE_KEYS);
        Size capture = new Size(
                cap.evenInteger("width", d.capture().width(), MIN_SIZE, MAX_CAPTURE),
                cap.evenInteger("height", d.capture().height(), MIN_SIZE, MAX_CAPTURE));
        boolean captureOk = c.ok("capture") && cap.ok("width", "height");

        Crop crop = crop(c.section("crop", CROP_KEYS), capture, captureOk, cap);
        boolean flipH = c.bool("flip_horizontal", d.flipHorizontal());
        boolean flipV = c.bool("flip_vertical", d.flipVertical());
        int rotation = c.integerOneOf("rotation", d.rotation(), 0, 180);

        Size outputSize = outputSize(c.section("output_size", SIZE_KEYS));
        Size out = outputSize != null ? outputSize : new Size(stream.width(), stream.height());
        // Shifting by the whole picture leaves nothing on screen; beyond that is surely a typo.
        int offsetX = c.integer("offset_x", d.offsetX(), -out.width(), out.width(),
                "an integer between " + -out.width() + " and " + out.width() + " (output pixels)");
        int offsetY = c.integer("offset_y", d.offsetY(), -out.height(), out.height(),
                "an integer between " + -out.height() + " and " + out.height() + " (output pixels)");

        double bitrate = c.number("bitrate_mbps", d.bitrateMbps(), MIN_BITRATE_MBPS, MAX_BITRATE_MBPS);
        int gop = c.integer("gop_frames", d.gopFrames(), 1, MAX_GOP);
        int idr = idrInterval(c, gop);
        SpsPpsMode spsPps = c.choice("sps_pps_mode", d.spsPpsMode(), SPS_PPS_MODES);

        YamlSection intrinsicsSection = c.section("intrinsics", INTRINSICS_KEYS);
        Intrinsics intrinsics = intrinsics(intrinsicsSection, captureOk ? capture : null);
        Distortion distortion = distortion(c.section("distortion", DISTORTION_KEYS));
        if (!distortion.isNone() && !intrinsicsSection.isPresent() && c.ok("intrinsics", "distortion")) {
            // Undistortion is defined in the pinhole model; without fx/fy/cx/cy it cannot be
            // applied, and silently ignoring calibration would look like a broken lens.
            c.complain("distortion", "lens distortion needs " + c.field("intrinsics")
                    + " (fx, fy, cx, cy) to be set as well; set them, or set every coefficient to 0");
        }

        ExternalEncoderConfig external = externalEncoder(c.section("external_encoder", EXTERNAL_ENCODER_KEYS));
        CameraConfig camera = new CameraConfig(source, device, capture, crop, flipH, flipV, rotation, offsetX,
                offsetY, bitrate, gop, idr, spsPps, outputSize, intrinsics, distortion, external);
        if (external != null && !camera.isIdentityGeometry()
                && c.ok("crop", "flip_horizontal", "flip_vertical", "rotation", "offset_x", "offset_y", "distortion")) {
            // The process captures by itself: silently dropping a flip would look like a bug.
            c.complain("external_encoder", "an external encoder captures and encodes by itself, so crop, "
                    + "flip_horizontal, flip_vertical, rotation, offset_x/offset_y and distortion are not applied "
                    + "to this eye; remove them, or use the encoder's own options (rpicam-vid --hflip, --vflip, "
                    + "--rotation 180, --roi)");
        }
        return camera;
    }

    /**
     * null unless written; then {@code command} is required: a non-empty list of strings, the
     * program first, whose {@code {placeholders}} are all known ones.
     */
    private static ExternalEncoderConfig externalEncoder(YamlSection s) {
        if (!s.isPresent()) {
            return null; // absent, null, or not a mapping (section() reported that)
        }
        String placeholders = ExternalEncoderConfig.PLACEHOLDERS.stream().map(p -> "{" + p + "}")
                .collect(java.util.stream.Collectors.joining(" "));
        String expected = "a non-empty list: the program, then its arguments (no shell), e.g. "
                + "[rpicam-vid, --inline, -t, \"0\", -o, \"-\"]";
        List<String> command = null;
        if (required(s, "command", "the program that writes H.264 to stdout, and its arguments")) {
            command = s.stringList("command", expected, "one argument as a string; quote a placeholder "
                    + "(\"{width}\"): unquoted, YAML reads {width} as a mapping", (index, arg) -> {
                if (index == 0 && arg.isBlank()) {
                    return "the program to run (a path, or a name on PATH), not empty";
                }
                java.util.regex.Matcher m = PLACEHOLDER.matcher(arg);
                while (m.find()) {
                    if (!ExternalEncoderConfig.PLACEHOLDERS.contains(m.group(1))) {
                        return "an argument whose placeholders are among " + placeholders
                                + "; {" + m.group(1) + "} is not one";
                    }
                }
                return null;
            });
            if (command != null && command.isEmpty()) {
                s.reject("command", expected);
                command = null;
            }
        }
        YamlSection backoff = s.section("restart_backoff_ms", BACKOFF_KEYS);
        int min = backoff.integer("min", ConfigDefaults.EXTERNAL_BACKOFF_MIN_MS, 0, 60_000,
                "milliseconds between 0 and 60000");
        int max = backoff.integer("max", ConfigDefaults.EXTERNAL_BACKOFF_MAX_MS, 1, 600_000,
                "milliseconds between 1 and 600000");
        if (backoff.ok("min", "max") && min > max) {
            // Blame the key the user wrote; with max left at its default that is min.
            if (backoff.has("max")) {
                backoff.reject("max", "at least " + backoff.field("min") + " (" + min + ")");
            } else {
                backoff.reject("min", "at most " + backoff.field("max") + " (default " + max + "), or set max too");
            }
        }
        int idleFlush = s.integer("idle_flush_ms", ConfigDefaults.EXTERNAL_IDLE_FLUSH_MS, 0, 1000,
                "0 (off) or milliseconds up to 1000");
        return command == null ? null : new ExternalEncoderConfig(command, min, max, idleFlush);
    }

    /**
     * idr_interval must be a multiple of gop_frames (equal by default, so every keyframe is an
     * IDR that a late joiner can start from). A multiple keeps IDRs on the GOP grid: an IDR
     * between keyframes would restart the GOP and make gop_frames meaningless.
     * Absent, it follows gop_frames, so changing only gop_frames stays valid.
     */
    private static int idrInterval(YamlSection c, int gop) {
        String expected = "a multiple of gop_frames (" + gop + ") between " + gop + " and " + MAX_GOP;
        int idr = c.integer("idr_interval", gop, 1, MAX_GOP, expected);
        if (c.ok("gop_frames", "idr_interval") && (idr < gop || idr % gop != 0)) {
            c.reject("idr_interval", expected);
            return gop;
        }
        return idr;
    }

    private static Crop crop(YamlSection s, Size capture, boolean captureOk, YamlSection cap) {
        int x = s.integer("x", 0, 0, MAX_CAPTURE);
        int y = s.integer("y", 0, 0, MAX_CAPTURE);
        int w = s.integer("width", 0, 0, MAX_CAPTURE,
                "0 (to the right edge) or a width in capture pixels");
        int h = s.integer("height", 0, 0, MAX_CAPTURE,
                "0 (to the bottom edge) or a height in capture pixels");
        if (captureOk) {
            checkCropAxis(s, "x", "width", x, w, capture.width(), cap.field("width"), "right");
            checkCropAxis(s, "y", "height", y, h, capture.height(), cap.field("height"), "bottom");
        }
        return new Crop(x, y, w, h);
    }

    /** The crop must start inside the capture frame and end at or before its edge. */
    private static void checkCropAxis(YamlSection s, String posKey, String lenKey, int pos, int len,
                                      int limit, String limitField, String edge) {
        if (!s.ok(posKey, lenKey)) {
            return;
        }
        if (pos >= limit) {
            s.reject(posKey, "an integer between 0 and " + (limit - 1)
                    + " so the crop starts inside the capture frame (" + limitField + " = " + limit + ")");
        } else if (pos + len > limit) {
            s.reject(lenKey, "0 (to the " + edge + " edge) or at most " + (limit - pos)
                    + " so the crop ends inside the capture frame (" + limitField + " = " + limit + ")");
        }
    }

    /** null unless written; then both sides are required. */
    private static Size outputSize(YamlSection s) {
        if (!s.isPresent()) {
            return null;
        }
        // Non-short-circuit &: report both missing keys, not just the first.
        boolean complete = required(s, "width", "the encoded width")
                & required(s, "height", "the encoded height");
        int width = s.evenInteger("width", 0, MIN_SIZE, MAX_WIDTH);
        int height = s.evenInteger("height", 0, MIN_SIZE, MAX_HEIGHT);
        return complete && s.ok("width", "height") ? new Size(width, height) : null;
    }

    /**
     * null unless written; then all four are required (a partial camera matrix has no sensible
     * completion). The principal point must lie within the capture frame when it is known.
     */
    private static Intrinsics intrinsics(YamlSection s, Size capture) {
        if (!s.isPresent()) {
            return null;
        }
        double maxCx = capture == null ? MAX_CAPTURE : capture.width();
        double maxCy = capture == null ? MAX_CAPTURE : capture.height();
        boolean all = required(s, "fx", "the focal length in capture pixels")
                & required(s, "fy", "the focal length in capture pixels")
                & required(s, "cx", "the principal point x in capture pixels")
                & required(s, "cy", "the principal point y in capture pixels");
        double fx = s.number("fx", 0, 1, 100000, "a focal length between 1 and 100000 (capture pixels)");
        double fy = s.number("fy", 0, 1, 100000, "a focal length between 1 and 100000 (capture pixels)");
        double cx = s.number("cx", 0, 0, maxCx, "a number between 0 and " + YamlSection.plain(maxCx)
                + " (capture pixels, inside the frame)");
        double cy = s.number("cy", 0, 0, maxCy, "a number between 0 and " + YamlSection.plain(maxCy)
                + " (capture pixels, inside the frame)");
        return all && s.ok("fx", "fy", "cx", "cy") ? new Intrinsics(fx, fy, cx, cy) : null;
    }

    /** Absent coefficients are 0: people often calibrate with k1/k2 only. */
    private static Distortion distortion(YamlSection s) {
        // Generous bound: real lenses stay within +-10; larger is a units mistake, not a lens.
        double k1 = s.number("k1", 0, -1000, 1000);
        double k2 = s.number("k2", 0, -1000, 1000);
        double p1 = s.number("p1", 0, -1000, 1000);
        double p2 = s.number("p2", 0, -1000, 1000);
        double k3 = s.number("k3", 0, -1000, 1000);
        return new Distortion(k1, k2, p1, p2, k3);
    }

    /** Reports a missing key of an optional section that, once written, needs all its keys. */
    private static boolean required(YamlSection s, String key, String what) {
        if (s.has(key)) {
            return true;
        }
        s.complain(key, "missing: required when " + s.path() + " is set (" + what + ")");
        return false;
    }

    /** Side-by-side packs both eyes into one picture, so they must be the same size. */
    private void checkSideBySide(StreamConfig stream, CameraConfig left, YamlSection leftSection,
                                 CameraConfig right, YamlSection rightSection) {
        if (stream.layout() != Layout.SIDE_BY_SIDE) {
            return;
        }
        Size streamSize = new Size(stream.width(), stream.height());
        Size l = left.outputSize() != null ? left.outputSize() : streamSize;
        Size r = right.outputSize() != null ? right.outputSize() : streamSize;
        if (!l.equals(r)) {
            YamlSection blame = right.outputSize() != null ? rightSection : leftSection;
            Size other = blame == rightSection ? l : r;
            blame.complain("output_size", "layout side-by-side needs both eyes the same size, "
                    + "but the other eye is " + other.width() + "x" + other.height()
                    + "; remove output_size or make both equal");
        }
    }

    private static <E> Map<String, E> words(E[] values, java.util.function.Function<E, String> word) {
        Map<String, E> m = new LinkedHashMap<>();
        for (E v : values) {
            m.put(word.apply(v), v);
        }
        return m;
    }
}
