package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.Crop;
import dev.stereo.calibration.StereoConfig.Distortion;
import dev.stereo.calibration.StereoConfig.Intrinsics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rectify maps, through the same uniforms the shader gets. */
class RectifyShaderTest {

    static final int IN_W = 1536;
    static final int IN_H = 864;
    static final int OUT_W = 1280;
    static final int OUT_H = 720;
    /** Uniforms are floats, as on the GPU: compare to float precision. */
    static final double EPS = 1e-6;

    static final CameraConfig BASE = ConfigLoader.defaults().left();

    private static double[] map(CameraConfig cam, double u, double v) {
        return RectifyShader.mapToSource(u, v, cam, IN_W, IN_H, OUT_W, OUT_H);
    }

    private static CameraConfig with(Crop crop, boolean flipH, boolean flipV, int rotation, int offX, int offY,
                                     Intrinsics k, Distortion d) {
        CameraConfig b = BASE;
        return new CameraConfig(b.source(), b.device(), b.capture(), crop, flipH, flipV, rotation, offX, offY,
                b.bitrateMbps(), b.gopFrames(), b.idrInterval(), b.spsPpsMode(), b.outputSize(), k, d);
    }

    private static CameraConfig lens(double k1, double k2, double p1, double p2, double k3) {
        return with(Crop.NONE, false, false, 0, 0, 0, new Intrinsics(1000, 1000, 768, 432),
                new Distortion(k1, k2, p1, p2, k3));
    }

    @Test
    void identityMapsEveryPointToItself() {
        for (double u = 0; u <= 1.0; u += 0.125) {
            for (double v = 0; v <= 1.0; v += 0.125) {
                assertArrayEquals(new double[] {u, v}, map(BASE, u, v), EPS);
            }
        }
        // Calibrated but distortion-free is the identity too.
        assertArrayEquals(new double[] {0.3, 0.7}, map(lens(0, 0, 0, 0, 0), 0.3, 0.7), EPS);
    }

    @Test
    void horizontalFlipMirrorsU() {
        CameraConfig cam = with(Crop.NONE, true, false, 0, 0, 0, null, Distortion.NONE);
        assertArrayEquals(new double[] {0.9, 0.25}, map(cam, 0.1, 0.25), EPS);
    }

    @Test
    void verticalFlipMirrorsV() {
        CameraConfig cam = with(Crop.NONE, false, true, 0, 0, 0, null, Distortion.NONE);
        assertArrayEquals(new double[] {0.25, 0.9}, map(cam, 0.25, 0.1), EPS);
    }

    @Test
    void rotation180FlipsBothAxesAndCancelsAFlip() {
        CameraConfig rot = with(Crop.NONE, false, false, 180, 0, 0, null, Distortion.NONE);
        assertArrayEquals(new double[] {0.9, 0.8}, map(rot, 0.1, 0.2), EPS);
        CameraConfig rotFlip = with(Crop.NONE, true, false, 180, 0, 0, null, Distortion.NONE);
        assertArrayEquals(new double[] {0.1, 0.8}, map(rotFlip, 0.1, 0.2), EPS);
    }

    @Test
    void cropMapsTheOutputOntoTheRectangle() {
        Crop crop = new Crop(100, 50, 1280, 720);
        CameraConfig cam = with(crop, false, false, 0, 0, 0, null, Distortion.NONE);
        assertArrayEquals(new double[] {100.0 / IN_W, 50.0 / IN_H}, map(cam, 0, 0), EPS);
        assertArrayEquals(new double[] {1380.0 / IN_W, 770.0 / IN_H}, map(cam, 1, 1), EPS);
        for (double u = 0; u <= 1.0; u += 0.1) {
            double[] st = map(cam, u, 1 - u);
            assertTrue(st[0] >= 100.0 / IN_W - EPS && st[0] <= 1380.0 / IN_W + EPS);
            assertTrue(st[1] >= 50.0 / IN_H - EPS && st[1] <= 770.0 / IN_H + EPS);
        }
    }

    @Test
    void cropSizeZeroReachesTheEdge() {
        CameraConfig cam = with(new Crop(256, 144, 0, 0), false, false, 0, 0, 0, null, Distortion.NONE);
        assertArrayEquals(new double[] {1, 1}, map(cam, 1, 1), EPS);
        assertArrayEquals(new double[] {256.0 / IN_W, 144.0 / IN_H}, map(cam, 0, 0), EPS);
    }

    @Test
    void positiveOffsetMovesThePictureRightAndDown() {
        CameraConfig cam = with(Crop.NONE, false, false, 0, 128, 72, null, Distortion.NONE);
        // What was at 0.4 is now shown at 0.5.
        assertArrayEquals(new double[] {0.4, 0.4}, map(cam, 0.5, 0.5), EPS);
        // The strip uncovered at the left edge is outside the source: black.
        assertFalse(RectifyShader.insideSource(map(cam, 0.05, 0.5)));
        assertTrue(RectifyShader.insideSource(map(cam, 0.5, 0.5)));
    }

    @Test
    void offsetIsAppliedAfterFlipInOutputSpace() {
        // The offset aligns the final picture, so flipping must not reverse its direction.
        CameraConfig cam = with(Crop.NONE, true, false, 0, 128, 0, null, Distortion.NONE);
        CameraConfig flipOnly = with(Crop.NONE, true, false, 0, 0, 0, null, Distortion.NONE);
        assertArrayEquals(map(flipOnly, 0.4, 0.5), map(cam, 0.5, 0.5), EPS);
    }

    @Test
    void principalPointStaysFixed() {
        double[] pp = {768.0 / IN_W, 432.0 / IN_H};
        for (CameraConfig cam : new CameraConfig[] {lens(0.3, 0.1, 0, 0, 0.05), lens(-0.3, 0, 0.01, -0.02, 0)}) {
            assertArrayEquals(pp, map(cam, pp[0], pp[1]), EPS);
        }
    }

    @Test
    void positiveK1SamplesFurtherOutNegativeK1FurtherIn() {
        double[] pp = {0.5, 0.5}; // cx, cy = centre of the 1536x864 capture
        double u = 0.9;
        double v = 0.8;
        double rOut = Math.hypot((u - pp[0]) * IN_W, (v - pp[1]) * IN_H);
        double[] pin = map(lens(0.1, 0, 0, 0, 0), u, v);
        double[] barrel = map(lens(-0.1, 0, 0, 0, 0), u, v);
        double rPin = Math.hypot((pin[0] - pp[0]) * IN_W, (pin[1] - pp[1]) * IN_H);
        double rBarrel = Math.hypot((barrel[0] - pp[0]) * IN_W, (barrel[1] - pp[1]) * IN_H);
        assertTrue(rPin > rOut, "k1 > 0: sample outward " + rPin + " > " + rOut);
        assertTrue(rBarrel < rOut, "k1 < 0: sample inward " + rBarrel + " < " + rOut);
        // Purely radial: direction from the principal point is unchanged.
        double angle = Math.atan2((v - 0.5) * IN_H, (u - 0.5) * IN_W);
        assertEquals(angle, Math.atan2((pin[1] - 0.5) * IN_H, (pin[0] - 0.5) * IN_W), 1e-6);
    }

    @Test
    void matchesOpenCvDistortionInPixels() {
        // Independent pixel-space formula (OpenCV's distortion model, camera matrix kept).
        double fx = 1000, fy = 1000, cx = 768, cy = 432;
        double k1 = -0.28, k2 = 0.09, p1 = 0.0012, p2 = -0.0008, k3 = -0.01;
        CameraConfig cam = lens(k1, k2, p1, p2, k3);
        double px = 1300, py = 120;
        double x = (px - cx) / fx;
        double y = (py - cy) / fy;
        double r2 = x * x + y * y;
        double radial = 1 + k1 * r2 + k2 * r2 * r2 + k3 * r2 * r2 * r2;
        double xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
        double yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
        double[] st = map(cam, px / IN_W, py / IN_H);
        assertEquals(fx * xd + cx, st[0] * IN_W, 1e-3);
        assertEquals(fy * yd + cy, st[1] * IN_H, 1e-3);
    }

    @Test
    void downscaledInputUsesTheSameTexcoords() {
        // Crop and intrinsics are in capture pixels; an input pre-scaled to half size sees the
        // same field of view, so the texcoords do not change.
        CameraConfig cam = with(new Crop(100, 50, 1280, 720), true, false, 0, 10, 0,
                new Intrinsics(1000, 1000, 768, 432), new Distortion(-0.2, 0, 0, 0, 0));
        assertArrayEquals(RectifyShader.mapToSource(0.3, 0.6, cam, IN_W, IN_H, OUT_W, OUT_H),
                RectifyShader.mapToSource(0.3, 0.6, cam, IN_W / 2, IN_H / 2, OUT_W, OUT_H), EPS);
    }

    @Test
    void uniformsAreFloatsNamedAsDeclaredInTheShader() {
        Map<String, Object> u = RectifyShader.uniforms(BASE, IN_W, IN_H, OUT_W, OUT_H);
        assertEquals(RectifyShader.UNIFORM_NAMES, new ArrayList<>(u.keySet()));
        u.values().forEach(v -> assertInstanceOf(Float.class, v));
        String src = RectifyShader.fragmentSource();
        for (String name : RectifyShader.UNIFORM_NAMES) {
            assertTrue(src.contains("uniform float " + name + ";"), name);
        }
        assertThrows(IllegalArgumentException.class, () -> RectifyShader.uniforms(BASE, 0, IN_H, OUT_W, OUT_H));
    }

    @Test
    void shaderFollowsGstreamerGlshaderConventions() {
        String src = RectifyShader.fragmentSource();
        assertTrue(src.startsWith("#version 100\n#ifdef GL_ES\n"));
        assertTrue(src.contains("precision mediump float;"));
        assertTrue(src.contains("varying vec2 v_texcoord;"));
        assertTrue(src.contains("uniform sampler2D tex;"));
        assertTrue(src.contains("gl_FragColor = texture2D(tex, src);"));
    }

    @Test
    void uniformsStructureIsAGstStructureOfFloats() {
        CameraConfig cam = with(Crop.NONE, true, false, 0, 128, 0, null, Distortion.NONE);
        String s = RectifyShader.uniformsStructure(RectifyShader.uniforms(cam, IN_W, IN_H, OUT_W, OUT_H));
        assertTrue(s.startsWith("uniforms, u_crop_x=(float)0, u_crop_y=(float)0, u_crop_w=(float)1, "), s);
        assertTrue(s.contains("u_flip_x=(float)1, u_flip_y=(float)0, u_offset_x=(float)0.1,"), s);
        assertFalse(s.contains("E"), "no exponent notation: " + s);
    }
}
