package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.Crop;
import dev.stereo.calibration.StereoConfig.Distortion;
import dev.stereo.calibration.StereoConfig.Intrinsics;
import dev.stereo.calibration.StereoConfig.Size;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The per-eye rectification for GStreamer's {@code glshader} element (option3): crop, flips,
 * 180 degree rotation, alignment offset and Brown-Conrady lens undistortion in one fragment
 * shader pass on the GPU.
 *
 * <p>The shader source never changes; all per-eye values are uniforms, so a live calibration
 * change only needs a new {@code uniforms} property, not a shader recompile. The pipeline
 * (pipeline-gstreamer) sets {@code fragment} to {@link #fragmentSource()} once and
 * {@code uniforms} to {@code Structure.fromString(uniformsStructure(uniforms(cam, ...)))}.
 *
 * <p><b>Why scalar float uniforms instead of {@code vec2}/{@code vec4}:</b> in GStreamer 1.22,
 * glshader's {@code uniforms} structure applies only {@code int}, {@code float} and graphene
 * vector/matrix values, and graphene values can be neither written in a structure string nor
 * built through gst1-java-core. Plain floats work from both.
 *
 * <p><b>The mapping</b> (inverse, output pixel to source texcoord, as any GPU remap must be),
 * with texcoords (0,0) = top-left and (1,1) = bottom-right of a picture:
 * <ol>
 * <li>alignment offset: sample where the pixel was before the picture moved,
 *     {@code p = uv - offset / outSize};</li>
 * <li>flips and rotation: a 180 degree rotation is a flip of both axes, so each axis is
 *     flipped when exactly one of "flip" and "rotate 180" asks for it, {@code p = 1 - p};</li>
 * <li>crop: {@code p} spans the crop rectangle of the (ideal, undistorted) capture frame,
 *     {@code c = crop.xy + p * crop.wh} in capture-normalised coordinates;</li>
 * <li>undistortion (OpenCV's {@code initUndistortRectifyMap} with the camera matrix kept):
 *     {@code (x, y) = (c - principal) / focal}, apply k1, k2, k3, p1, p2, and back to texcoords
 *     with the same focal length and principal point, which therefore stays fixed;</li>
 * <li>samples that land outside the capture frame are black. Samples outside the crop but
 *     inside the frame show real picture, which is what an alignment shift should reveal.</li>
 * </ol>
 * {@link #mapToSource(double, double, Map)} is the same maths in Java, for tests and for the
 * CPU path. Stateless and thread-safe.
 */
public final class RectifyShader {

    /** Uniform names set by {@link #uniforms}, in the order they are declared in the shader. */
    public static final List<String> UNIFORM_NAMES = List.of(
            "u_crop_x", "u_crop_y", "u_crop_w", "u_crop_h",
            "u_flip_x", "u_flip_y",
            "u_offset_x", "u_offset_y",
            "u_fx", "u_fy", "u_cx", "u_cy",
            "u_k1", "u_k2", "u_k3", "u_p1", "u_p2");

    // mapToSource() is this body's Java twin, step for step: change one, change the other.
    private static final String FRAGMENT_SOURCE = """
            #version 100
            #ifdef GL_ES
            #ifdef GL_FRAGMENT_PRECISION_HIGH
            precision highp float;
            #else
            precision mediump float;
            #endif
            #endif
            // stereo rectify: crop, flip/rotate, align, undistort (one eye).
            // All values are in normalised texcoords; see dev.stereo.calibration.RectifyShader.
            varying vec2 v_texcoord;
            uniform sampler2D tex;
            uniform float u_crop_x;
            uniform float u_crop_y;
            uniform float u_crop_w;
            uniform float u_crop_h;
            uniform float u_flip_x;
            uniform float u_flip_y;
            uniform float u_offset_x;
            uniform float u_offset_y;
            uniform float u_fx;
            uniform float u_fy;
            uniform float u_cx;
            uniform float u_cy;
            uniform float u_k1;
            uniform float u_k2;
            uniform float u_k3;
            uniform float u_p1;
            uniform float u_p2;

            void main () {
              vec2 p = v_texcoord - vec2(u_offset_x, u_offset_y);
              p = mix(p, vec2(1.0) - p, vec2(u_flip_x, u_flip_y));
              vec2 c = vec2(u_crop_x, u_crop_y) + p * vec2(u_crop_w, u_crop_h);
              vec2 f = vec2(u_fx, u_fy);
              vec2 pp = vec2(u_cx, u_cy);
              vec2 n = (c - pp) / f;
              float r2 = dot(n, n);
              float radial = 1.0 + r2 * (u_k1 + r2 * (u_k2 + r2 * u_k3));
              vec2 tangential = vec2(
                  2.0 * u_p1 * n.x * n.y + u_p2 * (r2 + 2.0 * n.x * n.x),
                  u_p1 * (r2 + 2.0 * n.y * n.y) + 2.0 * u_p2 * n.x * n.y);
              vec2 src = (n * radial + tangential) * f + pp;
              if (src.x < 0.0 || src.x > 1.0 || src.y < 0.0 || src.y > 1.0) {
                gl_FragColor = vec4(0.0, 0.0, 0.0, 1.0);
              } else {
                gl_FragColor = texture2D(tex, src);
              }
            }
            """;

    private RectifyShader() {}

    /**
     * GLSL ES 1.00 fragment shader for glshader's {@code fragment} property, following
     * GStreamer 1.22 conventions ({@code v_texcoord}, {@code tex}).
     *
     * <p>It starts with {@code #version 100} as glshader's documented example does: without a
     * version line GstGL compiles it as GLSL 1.10 while its default vertex shader follows the
     * context (e.g. 1.50 on a desktop core context), and linking fails with "all shaders must
     * use same shading language version". With it, GstGL translates the shader to whatever the
     * context needs (GLES 2/3 on a Pi, desktop GL under Xvfb here).
     *
     * <p>Uses highp where the GPU offers it: mediump's 10-bit mantissa would put samples about
     * a pixel off at 1536 pixels wide.
     */
    public static String fragmentSource() {
        return FRAGMENT_SOURCE;
    }

    /**
     * Uniform values for one eye, as {@link Float}s keyed by {@link #UNIFORM_NAMES}.
     *
     * @param cam the eye's validated camera config
     * @param inW width of the texture the shader samples; crop and intrinsics are written in
     *            capture pixels and are scaled by {@code inW / capture.width} (same field of
     *            view assumed) when the input is not at capture size
     * @param inH height of that texture
     * @param outW width of the shader's output (offsets are in output pixels)
     * @param outH height of the shader's output
     * @return an unmodifiable, ordered map
     */
    public static Map<String, Object> uniforms(CameraConfig cam, int inW, int inH, int outW, int outH) {
        if (inW <= 0 || inH <= 0 || outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("sizes must be positive: in " + inW + "x" + inH
                    + ", out " + outW + "x" + outH);
        }
        Size capture = cam.capture();
        // Capture pixels -> input pixels; then input pixels -> texcoords.
        double sx = (double) inW / capture.width();
        double sy = (double) inH / capture.height();

        Crop crop = cam.crop();
        double cropW = crop.width() == 0 ? capture.width() - crop.x() : crop.width();
        double cropH = crop.height() == 0 ? capture.height() - crop.y() : crop.height();

        boolean rotated = cam.rotation() == 180;
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("u_crop_x", (float) (crop.x() * sx / inW));
        u.put("u_crop_y", (float) (crop.y() * sy / inH));
        u.put("u_crop_w", (float) (cropW * sx / inW));
        u.put("u_crop_h", (float) (cropH * sy / inH));
        u.put("u_flip_x", cam.flipHorizontal() != rotated ? 1f : 0f);
        u.put("u_flip_y", cam.flipVertical() != rotated ? 1f : 0f);
        u.put("u_offset_x", (float) ((double) cam.offsetX() / outW));
        u.put("u_offset_y", (float) ((double) cam.offsetY() / outH));

        Intrinsics k = cam.intrinsics();
        Distortion d = cam.distortion();
        if (k == null) {
            // Uncalibrated: a unit camera centred in the frame with no distortion is the identity.
            u.put("u_fx", 1f);
            u.put("u_fy", 1f);
            u.put("u_cx", 0.5f);
            u.put("u_cy", 0.5f);
            d = Distortion.NONE;
        } else {
            u.put("u_fx", (float) (k.fx() * sx / inW));
            u.put("u_fy", (float) (k.fy() * sy / inH));
            u.put("u_cx", (float) (k.cx() * sx / inW));
            u.put("u_cy", (float) (k.cy() * sy / inH));
        }
        u.put("u_k1", (float) d.k1());
        u.put("u_k2", (float) d.k2());
        u.put("u_k3", (float) d.k3());
        u.put("u_p1", (float) d.p1());
        u.put("u_p2", (float) d.p2());
        return Collections.unmodifiableMap(u);
    }

    /**
     * The uniforms as a GstStructure string for glshader's {@code uniforms} property, e.g.
     * {@code uniforms, u_crop_x=(float)0, u_crop_y=(float)0, ...}. The explicit {@code (float)}
     * matters: glshader ignores doubles.
     */
    public static String uniformsStructure(Map<String, ?> uniforms) {
        return uniforms.entrySet().stream()
                .map(e -> e.getKey() + "=(float)" + plain(((Number) e.getValue()).floatValue()))
                .collect(Collectors.joining(", ", "uniforms, ", ""));
    }

    /**
     * Where the shader samples for the output texcoord (u, v): exactly the shader's maths, in
     * double precision.
     *
     * @param u output texcoord x, 0 = left edge, 1 = right edge
     * @param v output texcoord y, 0 = top edge, 1 = bottom edge
     * @param uniforms values from {@link #uniforms}
     * @return {s, t} source texcoords; outside [0, 1] means the shader outputs black
     */
    public static double[] mapToSource(double u, double v, Map<String, ?> uniforms) {
        double px = u - f(uniforms, "u_offset_x");
        double py = v - f(uniforms, "u_offset_y");
        double flipX = f(uniforms, "u_flip_x");
        double flipY = f(uniforms, "u_flip_y");
        px = px + (1.0 - 2.0 * px) * flipX; // GLSL mix(p, 1 - p, flip)
        py = py + (1.0 - 2.0 * py) * flipY;
        double cx = f(uniforms, "u_crop_x") + px * f(uniforms, "u_crop_w");
        double cy = f(uniforms, "u_crop_y") + py * f(uniforms, "u_crop_h");
        double fx = f(uniforms, "u_fx");
        double fy = f(uniforms, "u_fy");
        double ppx = f(uniforms, "u_cx");
        double ppy = f(uniforms, "u_cy");
        double nx = (cx - ppx) / fx;
        double ny = (cy - ppy) / fy;
        double k1 = f(uniforms, "u_k1");
        double k2 = f(uniforms, "u_k2");
        double k3 = f(uniforms, "u_k3");
        double p1 = f(uniforms, "u_p1");
        double p2 = f(uniforms, "u_p2");
        double r2 = nx * nx + ny * ny;
        double radial = 1.0 + r2 * (k1 + r2 * (k2 + r2 * k3));
        double tx = 2.0 * p1 * nx * ny + p2 * (r2 + 2.0 * nx * nx);
        double ty = p1 * (r2 + 2.0 * ny * ny) + 2.0 * p2 * nx * ny;
        return new double[] {(nx * radial + tx) * fx + ppx, (ny * radial + ty) * fy + ppy};
    }

    /** Convenience: {@link #mapToSource(double, double, Map)} for a camera and frame sizes. */
    public static double[] mapToSource(double u, double v, CameraConfig cam,
                                       int inW, int inH, int outW, int outH) {
        return mapToSource(u, v, uniforms(cam, inW, inH, outW, outH));
    }

    /** True when a {@link #mapToSource} result lies in the source picture (not black). */
    public static boolean insideSource(double[] st) {
        return st[0] >= 0 && st[0] <= 1 && st[1] >= 0 && st[1] <= 1;
    }

    private static double f(Map<String, ?> uniforms, String name) {
        Object v = uniforms.get(name);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("missing uniform " + name);
        }
        return n.doubleValue();
    }

    private static String plain(float f) {
        return new BigDecimal(Float.toString(f)).stripTrailingZeros().toPlainString();
    }
}
