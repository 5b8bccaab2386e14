package dev.stereo.camera;

import dev.stereo.core.Eye;

/**
 * RGB to limited-range ("TV") BT.601 YUV, with the per-eye tint of the test scene. Limited range
 * because that is what encoders and browsers assume for I420 that carries no colour signalling;
 * the latency probe is stamped with {@code fullRange = false} to match.
 *
 * <p>Constructor-time helper of {@link TestScene}; stateless apart from the eye.
 */
final class Bt601 {

    private final double gainR;
    private final double gainG;
    private final double gainB;

    /**
     * The right eye gets a slightly warmer, 2 % darker white balance, like two real camera
     * modules that were never matched: the eyes stay distinguishable in tests and on screen
     * without looking artificial.
     */
    Bt601(Eye eye) {
        if (eye == Eye.RIGHT) {
            gainR = 1.03 * 0.98;
            gainG = 0.98;
            gainB = 0.94 * 0.98;
        } else {
            gainR = 1;
            gainG = 1;
            gainB = 1;
        }
    }

    byte y(double[] rgb) {
        double r = clamp01(rgb[0] * gainR);
        double g = clamp01(rgb[1] * gainG);
        double b = clamp01(rgb[2] * gainB);
        return toByte(16 + 219 * (0.299 * r + 0.587 * g + 0.114 * b));
    }

    byte u(double[] rgb) {
        double r = clamp01(rgb[0] * gainR);
        double g = clamp01(rgb[1] * gainG);
        double b = clamp01(rgb[2] * gainB);
        return toByte(128 + 224 * (-0.168736 * r - 0.331264 * g + 0.5 * b));
    }

    byte v(double[] rgb) {
        double r = clamp01(rgb[0] * gainR);
        double g = clamp01(rgb[1] * gainG);
        double b = clamp01(rgb[2] * gainB);
        return toByte(128 + 224 * (0.5 * r - 0.418688 * g - 0.081312 * b));
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }

    private static byte toByte(double v) {
        long r = Math.round(v);
        return (byte) (r < 0 ? 0 : (r > 255 ? 255 : r));
    }
}
