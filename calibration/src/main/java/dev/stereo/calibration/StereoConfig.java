package dev.stereo.calibration;

import java.nio.file.Path;

/**
 * The whole validated configuration ({@code config/camera_profiles.yaml}). Immutable; a reload
 * produces a new instance. Built only by {@link ConfigLoader}, which guarantees every field is
 * in range, so consumers never re-validate.
 *
 * @param file the file it was loaded from, or null for built-in defaults
 */
public record StereoConfig(Path file, ServerConfig server, StreamConfig stream,
                           CameraConfig left, CameraConfig right) {

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
     */
    public record CameraConfig(SourceType source, String device, Size capture, Crop crop,
                               boolean flipHorizontal, boolean flipVertical, int rotation,
                               int offsetX, int offsetY, double bitrateMbps, int gopFrames,
                               int idrInterval, SpsPpsMode spsPpsMode, Size outputSize,
                               Intrinsics intrinsics, Distortion distortion) {

        /** True when no crop, flip, rotation, offset or rectification needs to be applied. */
        public boolean isIdentityGeometry() {
            return crop.isNone() && !flipHorizontal && !flipVertical && rotation == 0
                    && offsetX == 0 && offsetY == 0 && distortion.isNone();
        }
    }
}
