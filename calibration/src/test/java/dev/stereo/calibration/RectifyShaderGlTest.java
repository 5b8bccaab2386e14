package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.Crop;
import dev.stereo.calibration.StereoConfig.Distortion;
import dev.stereo.calibration.StereoConfig.Intrinsics;
import dev.stereo.calibration.StereoConfig.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the generated shader in a real GStreamer {@code glshader} (under Xvfb, see TESTING.md)
 * and checks that the GPU samples where {@link RectifyShader#mapToSource} says it does. This is
 * what catches a shader that does not compile or link, and any drift between the GLSL and its
 * Java twin. One gst-launch run, about a second. Fails with a clear message when gst-launch-1.0
 * or xvfb-run is missing ({@code scripts/install-deps.sh --test} installs them).
 */
class RectifyShaderGlTest {

    static final int W = 320;
    static final int H = 240;

    @Test
    void gpuSamplesWhereMapToSourceSays(@TempDir Path dir) throws Exception {
        assertTrue(onPath("gst-launch-1.0") && onPath("xvfb-run"),
                "needs gst-launch-1.0 and xvfb-run: run scripts/install-deps.sh --test");

        CameraConfig base = ConfigLoader.defaults().left();
        List<Case> cases = List.of(
                new Case("flip_crop_offset", camera(base, new Crop(40, 30, 200, 150), true, false, 0, 24, -12,
                        null, Distortion.NONE), W, H),
                new Case("rotate_scaled", camera(base, new Crop(0, 60, 0, 0), false, true, 180, -10, 8,
                        null, Distortion.NONE), W / 2, H / 2),
                new Case("pincushion", camera(base, Crop.NONE, false, false, 0, 0, 0,
                        new Intrinsics(260, 250, 150, 125), new Distortion(0.25, 0.05, 0.004, -0.003, 0)), W, H),
                new Case("barrel", camera(base, new Crop(20, 10, 280, 210), false, false, 0, 0, 0,
                        new Intrinsics(300, 300, 160, 120), new Distortion(-0.3, 0.08, 0, 0, 0)), W, H));

        Path ref = dir.resolve("ref.rgb");
        String fragment = RectifyShader.fragmentSource();
        List<String> cmd = new ArrayList<>(List.of("xvfb-run", "-a", "gst-launch-1.0", "-q",
                "videotestsrc", "num-buffers=1", "pattern=smpte", "!",
                "video/x-raw,format=RGBA,width=" + W + ",height=" + H, "!", "tee", "name=src",
                "src.", "!", "queue", "!", "videoconvert", "!", "video/x-raw,format=RGB", "!",
                "filesink", "location=" + ref,
                "src.", "!", "queue", "!", "glupload", "!", "tee", "name=gl"));
        for (Case c : cases) {
            String uniforms = RectifyShader.uniformsStructure(RectifyShader.uniforms(c.cam, W, H, c.outW, c.outH));
            cmd.addAll(List.of("gl.", "!", "queue", "!", "glshader", "fragment=\"" + fragment + "\"",
                    "uniforms=\"" + uniforms + "\"", "!",
                    "video/x-raw(memory:GLMemory),width=" + c.outW + ",height=" + c.outH, "!",
                    "gldownload", "!", "videoconvert", "!", "video/x-raw,format=RGB", "!",
                    "filesink", "location=" + dir.resolve(c.name + ".rgb")));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gst-launch timed out");
        if (p.exitValue() != 0) {
            boolean shaderProblem = output.toLowerCase().contains("shader");
            assertTrue(shaderProblem, "no usable GL context under Xvfb: " + output);
            fail("glshader rejected the generated shader:\n" + output);
        }

        byte[] reference = Files.readAllBytes(ref);
        assertEquals(W * H * 3, reference.length);
        for (Case c : cases) {
            byte[] out = Files.readAllBytes(dir.resolve(c.name + ".rgb"));
            assertEquals(c.outW * c.outH * 3, out.length, c.name);
            compare(c, reference, out);
        }
    }

    /**
     * For a grid of output pixels: where mapToSource predicts a sample inside the picture and
     * the reference is flat around it (so linear filtering and float rounding cannot matter),
     * the GPU pixel must equal the reference pixel; where it predicts clearly outside, black.
     */
    private static void compare(Case c, byte[] reference, byte[] out) {
        int inside = 0;
        int outside = 0;
        var uniforms = RectifyShader.uniforms(c.cam, W, H, c.outW, c.outH);
        for (int y = 1; y < c.outH; y += 5) {
            for (int x = 1; x < c.outW; x += 5) {
                double[] st = RectifyShader.mapToSource((x + 0.5) / c.outW, (y + 0.5) / c.outH, uniforms);
                double sx = st[0] * W - 0.5;
                double sy = st[1] * H - 0.5;
                int[] got = rgb(out, c.outW, x, y);
                if (sx < -2 || sy < -2 || sx > W + 1 || sy > H + 1) {
                    assertColour(new int[] {0, 0, 0}, got, c.name + " expected black at " + x + "," + y);
                    outside++;
                } else if (sx >= 2 && sy >= 2 && sx <= W - 3 && sy <= H - 3) {
                    int rx = (int) Math.round(sx);
                    int ry = (int) Math.round(sy);
                    if (flat(reference, rx, ry)) {
                        assertColour(rgb(reference, W, rx, ry), got, c.name + " at " + x + "," + y
                                + " sampling " + rx + "," + ry);
                        inside++;
                    }
                }
            }
        }
        assertTrue(inside > 200, c.name + ": too few comparable pixels: " + inside);
        // Only the pincushion case samples beyond the frame; the offset in flip_crop_offset
        // reveals real picture around the crop, by design.
        if (c.name.equals("pincushion")) {
            assertTrue(outside > 10, c.name + ": expected some black border, got " + outside);
        }
    }

    private static boolean flat(byte[] img, int x, int y) {
        int[] centre = rgb(img, W, x, y);
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                int[] n = rgb(img, W, x + dx, y + dy);
                for (int i = 0; i < 3; i++) {
                    if (Math.abs(n[i] - centre[i]) > 4) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static void assertColour(int[] expected, int[] got, String what) {
        for (int i = 0; i < 3; i++) {
            if (Math.abs(expected[i] - got[i]) > 10) {
                fail(what + ": expected rgb" + java.util.Arrays.toString(expected)
                        + " but GPU gave rgb" + java.util.Arrays.toString(got));
            }
        }
    }

    private static int[] rgb(byte[] img, int width, int x, int y) {
        int i = (y * width + x) * 3;
        return new int[] {img[i] & 0xff, img[i + 1] & 0xff, img[i + 2] & 0xff};
    }

    private static CameraConfig camera(CameraConfig b, Crop crop, boolean flipH, boolean flipV, int rotation,
                                       int offX, int offY, Intrinsics k, Distortion d) {
        return new CameraConfig(b.source(), b.device(), new Size(W, H), crop, flipH, flipV, rotation, offX, offY,
                b.bitrateMbps(), b.gopFrames(), b.idrInterval(), b.spsPpsMode(), null, k, d);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private record Case(String name, CameraConfig cam, int outW, int outH) {}
}
