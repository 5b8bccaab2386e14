package dev.stereo.calibration;

import java.nio.file.Path;

/**
 * The whole validated configuration ({@code config/camera_profiles.yaml}). Immutable; a reload
 * produces a new instance. Built only by {@link ConfigLoader}, which guarantees every field is
 * in range, so consumers never re-validate.
 *
 * @param file the file it was loaded from, or null for built-in defaults
 * @param appliance the machine around the stream: camera reclaim, status LED and button, thermal
 *                  protection
 */
public record StereoConfig(Path file, ServerConfig server, StreamConfig stream,
                           CameraConfig left, CameraConfig right, ApplianceConfig appliance) {

    /** A configuration with the default appliance settings (no GPIO, thermal protection on). */
    public StereoConfig(Path file, ServerConfig server, StreamConfig stream, CameraConfig left, CameraConfig right) {
        this(file, server, stream, left, right, ConfigDefaults.APPLIANCE);
    }

    /** The same configuration with other appliance settings. */
    public StereoConfig withAppliance(ApplianceConfig newAppliance) {
        return new StereoConfig(file, server, stream, left, right, newAppliance);
    }

    /** The same configuration with one eye's camera replaced. */
    public StereoConfig withCamera(dev.stereo.core.Eye eye, CameraConfig camera) {
        return eye == dev.stereo.core.Eye.LEFT ? new StereoConfig(file, server, stream, camera, right, appliance)
                : new StereoConfig(file, server, stream, left, camera, appliance);
    }

    /** The same configuration with another frame rate. */
    public StereoConfig withFps(int fps) {
        return new StereoConfig(file, server, new StreamConfig(stream.width(), stream.height(), fps, stream.layout()),
                left, right, appliance);
    }

    /** The camera config for an eye. */
    public CameraConfig camera(dev.stereo.core.Eye eye) {
        return eye == dev.stereo.core.Eye.LEFT ? left : right;
    }

    /**
     * @param bind address to listen on, e.g. "0.0.0.0"
     * @param port HTTPS port
     * @param httpPort plain-HTTP port that redirects to HTTPS; 0 disables it
     * @param tlsCert PEM certificate chain, or null to generate a self-signed one in stateDir
     * @param tlsKey PEM private key, or null (must be set together with tlsCert)
     * @param stateDir where generated state (certificate) is kept
     * @param token bearer token required on /whep and /offer, or null for none
     * @param maxViewers viewers served at once; one more gets 503
     */
    public record ServerConfig(String bind, int port, int httpPort, Path tlsCert, Path tlsKey,
                               Path stateDir, String token, int maxViewers) {}

    /** Per-eye output: every eye is encoded at width x height at fps. */
    public record StreamConfig(int width, int height, int fps, Layout layout) {}

    public enum Layout {
        DUAL_TRACK("dual-track"), SIDE_BY_SIDE("side-by-side");
        private final String key;
        Layout(String key) { this.key = key; }
        public String key() { return key; }
    }

    public enum SourceType { AUTO, TEST, LIBCAMERA, V4L2 }

    public enum SpsPpsMode {
        /** SPS/PPS in front of every IDR (robust to joins and loss; default). */
        EVERY_IDR("every-idr"),
        /** SPS/PPS only in the stream's first access unit (late joiners get them from the cache). */
        ONCE("once");
        private final String key;
        SpsPpsMode(String key) { this.key = key; }
        public String key() { return key; }
    }

    public record Size(int width, int height) {}

    /** A crop rectangle in capture pixels; width/height 0 means "to the edge". */
    public record Crop(int x, int y, int width, int height) {
        public static final Crop NONE = new Crop(0, 0, 0, 0);
        public boolean isNone() { return x == 0 && y == 0 && width == 0 && height == 0; }
    }

    /** Pinhole intrinsics in pixels of the capture frame. */
    public record Intrinsics(double fx, double fy, double cx, double cy) {}

    /** Brown-Conrady distortion coefficients (OpenCV order). */
    public record Distortion(double k1, double k2, double p1, double p2, double k3) {
        public static final Distortion NONE = new Distortion(0, 0, 0, 0, 0);
        public boolean isNone() { return k1 == 0 && k2 == 0 && p1 == 0 && p2 == 0 && k3 == 0; }
    }

    /**
     * One camera (eye).
     *
     * @param source where frames come from
     * @param device libcamera camera name or index, or V4L2 device path; null = discover
     * @param capture sensor mode requested from the camera (e.g. 1536x864 on an IMX708)
     * @param crop crop applied to the capture before scaling
     * @param flipHorizontal mirror left-right
     * @param flipVertical mirror top-bottom
     * @param rotation 0 or 180
     * @param offsetX alignment shift in output pixels (positive = picture moves right)
     * @param offsetY alignment shift in output pixels (positive = picture moves down)
     * @param bitrateMbps encoder target bitrate
     * @param gopFrames maximum frames between keyframes
     * @param idrInterval frames between IDR frames (every keyframe is an IDR when equal to gopFrames)
     * @param spsPpsMode when SPS/PPS are repeated in the stream
     * @param outputSize size of the encoded picture, or null for the stream size
     * @param intrinsics camera intrinsics, or null when the camera is not calibrated
     * @param distortion lens distortion, {@link Distortion#NONE} when not calibrated
     * @param externalEncoder a process that captures and encodes this eye itself (option2 only),
     *                        or null: frames come from {@code source} and Java encodes them
     */
    public record CameraConfig(SourceType source, String device, Size capture, Crop crop,
                               boolean flipHorizontal, boolean flipVertical, int rotation,
                               int offsetX, int offsetY, double bitrateMbps, int gopFrames,
                               int idrInterval, SpsPpsMode spsPpsMode, Size outputSize,
                               Intrinsics intrinsics, Distortion distortion,
                               ExternalEncoderConfig externalEncoder) {

        /** A camera without an external encoder. */
        public CameraConfig(SourceType source, String device, Size capture, Crop crop,
                            boolean flipHorizontal, boolean flipVertical, int rotation,
                            int offsetX, int offsetY, double bitrateMbps, int gopFrames,
                            int idrInterval, SpsPpsMode spsPpsMode, Size outputSize,
                            Intrinsics intrinsics, Distortion distortion) {
            this(source, device, capture, crop, flipHorizontal, flipVertical, rotation, offsetX, offsetY,
                    bitrateMbps, gopFrames, idrInterval, spsPpsMode, outputSize, intrinsics, distortion, null);
        }

        /** The same camera with another source and device (the external encoder, if any, is kept). */
        public CameraConfig withSource(SourceType newSource, String newDevice) {
            return new CameraConfig(newSource, newDevice, capture, crop, flipHorizontal, flipVertical, rotation,
                    offsetX, offsetY, bitrateMbps, gopFrames, idrInterval, spsPpsMode, outputSize, intrinsics,
                    distortion, externalEncoder);
        }

        /**
         * This camera with {@code other}'s geometry: crop, flips, rotation, alignment offset,
         * intrinsics and distortion (what {@link dev.stereo.calibration.LiveGeometry} applies).
         */
        public CameraConfig withGeometryOf(CameraConfig other) {
            return new CameraConfig(source, device, capture, other.crop, other.flipHorizontal, other.flipVertical,
                    other.rotation, other.offsetX, other.offsetY, bitrateMbps, gopFrames, idrInterval, spsPpsMode,
                    outputSize, other.intrinsics, other.distortion, externalEncoder);
        }

        /** This camera with another target bitrate. */
        public CameraConfig withBitrate(double mbps) {
            return new CameraConfig(source, device, capture, crop, flipHorizontal, flipVertical, rotation, offsetX,
                    offsetY, mbps, gopFrames, idrInterval, spsPpsMode, outputSize, intrinsics, distortion,
                    externalEncoder);
        }

        /** True when no crop, flip, rotation, offset or rectification needs to be applied. */
        public boolean isIdentityGeometry() {
            return crop.isNone() && !flipHorizontal && !flipVertical && rotation == 0
                    && offsetX == 0 && offsetY == 0 && distortion.isNone();
        }
    }

    /**
     * An external process that captures and encodes one eye and writes Annex-B H.264 (SPS/PPS in
     * front of every IDR) to its stdout, e.g. {@code rpicam-vid --inline -t 0 -o -}. Supervised by
     * option2: stderr to the log, restarted with a doubling backoff when it exits.
     *
     * @param command program and arguments, no shell; may contain the placeholders
     *                {@link #PLACEHOLDERS}, filled from the eye's settings
     * @param restartBackoffMinMs wait before the first restart
     * @param restartBackoffMaxMs longest wait between restarts (at least the minimum)
     * @param idleFlushMs a picture is sent once the pipe has been quiet this long (0 = when the
     *                    next one starts, a frame later)
     */
    public record ExternalEncoderConfig(java.util.List<String> command, int restartBackoffMinMs,
                                        int restartBackoffMaxMs, int idleFlushMs) {

        /** What the command's arguments may contain, replaced per eye before it runs. */
        public static final java.util.List<String> PLACEHOLDERS =
                java.util.List.of("width", "height", "fps", "bitrate", "bitrate_kbps", "gop", "camera");

        public ExternalEncoderConfig {
            command = java.util.List.copyOf(command);
        }
    }

    /**
     * Everything about the box rather than the stream: top-level keys {@code reclaim_on_start},
     * {@code gpio} and {@code thermal}.
     *
     * @param reclaimOnStart stop processes holding camera devices (or libcamera) before opening the
     *                       cameras, like {@code stereo reclaim --kill --yes}
     */
    public record ApplianceConfig(boolean reclaimOnStart, GpioConfig gpio, ThermalConfig thermal) {}

    /**
     * Optional status LED and button, by BCM GPIO number (not header pin number).
     *
     * @param ledPin GPIO of the status LED, or null for none
     * @param ledActiveLow true when the LED lights with the pin low (wired to 3.3 V)
     * @param buttonPin GPIO of the push button, or null for none
     * @param buttonActiveLow true when pressing pulls the pin low (button to ground, internal
     *                        pull-up); false: pressing drives it high (button to 3.3 V, pull-down)
     * @param shortPress what a short press does
     * @param longPressMs holding at least this long is a long press (restarts the pipeline)
     */
    public record GpioConfig(Integer ledPin, boolean ledActiveLow, Integer buttonPin, boolean buttonActiveLow,
                             ButtonAction shortPress, int longPressMs) {
        /** True when an LED or a button is configured, i.e. GPIO must be opened at all. */
        public boolean any() {
            return ledPin != null || buttonPin != null;
        }
    }

    /** What a short press of the button does. */
    public enum ButtonAction {
        /** Ask both encoders for a keyframe now (a viewer with a broken picture recovers). */
        KEYFRAME("keyframe"),
        /** Switch between dual-track and side-by-side (restarts the pipeline; viewers reconnect). */
        LAYOUT("layout");
        private final String key;
        ButtonAction(String key) { this.key = key; }
        public String key() { return key; }
    }

    /**
     * Thermal protection: above {@code throttleC} the bitrate and then the frame rate are stepped
     * down one step per {@code stepIntervalS}; at or below {@code resumeC} they are stepped back up
     * the same way. Between the two nothing changes (hysteresis).
     *
     * @param enabled false: temperature is still reported, nothing is ever stepped down
     * @param sensor file holding the SoC temperature in millidegrees Celsius (Linux thermal zone)
     * @param pollIntervalS seconds between two readings
     * @param throttleC step down at or above this temperature
     * @param resumeC step back up at or below this temperature (lower than throttleC)
     * @param stepIntervalS at least this many seconds between two steps, so the temperature can react
     * @param minBitrateMbps never step an eye's bitrate below this
     * @param minFps never step the frame rate below this
     */
    public record ThermalConfig(boolean enabled, Path sensor, double pollIntervalS, double throttleC,
                                double resumeC, double stepIntervalS, double minBitrateMbps, int minFps) {}
}
