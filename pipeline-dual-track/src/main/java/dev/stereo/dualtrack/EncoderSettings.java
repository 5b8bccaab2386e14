package dev.stereo.dualtrack;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.SpsPpsMode;

/**
 * What one eye's encoder is asked for, from the YAML.
 *
 * @param width encoded width (even)
 * @param height encoded height (even)
 * @param fps frames per second
 * @param bitrateMbps target bitrate
 * @param gopFrames most frames between keyframes
 * @param idrInterval frames between IDRs (libx264 makes every keyframe an IDR: equal to gopFrames
 *     in practice)
 * @param spsPpsMode whether SPS/PPS precede every IDR or only the first
 */
public record EncoderSettings(int width, int height, int fps, double bitrateMbps, int gopFrames,
                              int idrInterval, SpsPpsMode spsPpsMode) {

    public EncoderSettings {
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("encoder size must be even and positive, got " + width + "x" + height);
        }
        if (fps <= 0 || bitrateMbps <= 0 || gopFrames <= 0) {
            throw new IllegalArgumentException("fps, bitrate and gop must be positive");
        }
    }

    /** The settings of {@code eye} in {@code config} (its output_size, else the stream size). */
    public static EncoderSettings of(StereoConfig config, dev.stereo.core.Eye eye) {
        StereoConfig.CameraConfig cam = config.camera(eye);
        int w = cam.outputSize() == null ? config.stream().width() : cam.outputSize().width();
        int h = cam.outputSize() == null ? config.stream().height() : cam.outputSize().height();
        return new EncoderSettings(w, h, config.stream().fps(), cam.bitrateMbps(), cam.gopFrames(),
                cam.idrInterval(), cam.spsPpsMode());
    }

    /** Bits per second. */
    public long bitrate() {
        return Math.round(bitrateMbps * 1_000_000);
    }
}
