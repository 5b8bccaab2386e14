package dev.stereo.camera;

import dev.stereo.core.Eye;
import java.nio.ByteBuffer;

/**
 * One eye's view of the built-in synthetic stereo scene, rendered into I420 frames: a sky with
 * drifting clouds, a mown lawn in perspective that scrolls sideways, two brick pillars standing on
 * the lawn and two shaded balls floating in front of it, all moving. Motion everywhere and fine
 * texture make an H.264 encoder do real work, as a camera would; the two eyes see the same world
 * from two horizontally separated viewpoints, so a headset viewer sees depth.
 *
 * <h2>Disparity convention</h2>
 * Disparity {@code d = x_left − x_right} (same feature, same row, pixels). It is {@code >= 0}
 * everywhere and larger for nearer things: 0 for the sky (at infinity), growing linearly down the
 * lawn from 0 at the horizon to {@code width/48} at the bottom row, {@code width/110} and
 * {@code width/70} for the pillars, {@code width/64} for the middle ball and {@code width/36} for
 * the nearest ball. So a near object appears further right in the left eye than in the right eye,
 * as with two parallel cameras. The right eye also has a slightly warmer, 2 % darker white
 * balance, like two unmatched camera modules.
 *
 * <h2>Cost and threading</h2>
 * The constructor precomputes every texture: pure memory, no native resources, about 3.5 MB and
 * 0.25 s of CPU per eye at 1280×720 (8 MB and 0.4 s at 1920×1080), so build scenes at pipeline
 * start, not per viewer. {@link #render} then only copies precomputed rows with per-row scroll
 * offsets and sprite spans: no allocation and no per-pixel maths, about 0.07 ms of CPU per
 * 1280×720 frame on the 2-core development machine (0.14 ms at 1080p). An instance is immutable
 * after construction, so {@link #render} may be called from any thread, also concurrently on
 * different buffers; normally the test-source driver thread renders both eyes for one
 * {@link TestSourceClock.Tick}, then stamps them.
 *
 * <h2>Frame layout</h2>
 * Tightly packed I420: Y ({@code width × height}, stride {@code width}), then U and V
 * ({@code width/2 × height/2}, stride {@code width/2}), limited-range BT.601. The frame starts at
 * the buffer's position (normally 0) and is written with absolute puts, so position and limit
 * are unchanged. Tight packing equals GStreamer's default I420 layout only when {@code width} is a
 * multiple of 8 (GStreamer pads strides to 4 bytes); other even widths need explicit strides
 * (video meta) downstream.
 */
public final class TestScene {

    /** Smallest supported width and height. */
    public static final int MIN_SIZE = 16;

    /** Ground texture period: tiles across one horizontal period of the lawn. */
    private static final int GROUND_TILES = 16;

    private final Eye eye;
    private final int width;
    private final int height;

    // Background, one entry per luma row. Each texture row holds one horizontal period
    // (period[y] pixels) followed by a copy of its first `width` pixels, so every window
    // [offset, offset + width) with 0 <= offset < period is one contiguous bulk copy.
    private final byte[][] yRows;
    private final byte[][] uRows; // per chroma row, period[2·cy]/2 + width/2
    private final byte[][] vRows;
    private final int[] period;   // even, so the chroma period is exact
    private final int[] disparity; // per row, x_left − x_right
    private final int[] eyeShift;  // this eye's share of the row's disparity
    private final boolean[] ground;
    private final long skyPhaseStep;    // 32-bit fraction of a period per frame
    private final long groundPhaseStep;

    private final Sprite[] sprites; // far to near: later ones occlude earlier ones

    /**
     * Builds the eye's textures. Pure computation; no native resources, nothing to close.
     *
     * @param width even, >= 16 (>= 256 if the frame is to carry the latency probe)
     * @param height even, >= 16
     * @throws IllegalArgumentException for odd or too small dimensions
     */
    public TestScene(Eye eye, int width, int height) {
        if (eye == null) {
            throw new IllegalArgumentException("eye is null");
        }
        if (width < MIN_SIZE || height < MIN_SIZE || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("test scene needs even dimensions >= " + MIN_SIZE
                    + ", got " + width + "x" + height);
        }
        this.eye = eye;
        this.width = width;
        this.height = height;
        Geometry g = new Geometry(width, height);
        Bt601 colour = new Bt601(eye);

        period = new int[height];
        disparity = new int[height];
        eyeShift = new int[height];
        ground = new boolean[height];
        int skyPeriod = even(2 * width);
        for (int y = 0; y < height; y++) {
            if (y < g.horizon) {
                period[y] = skyPeriod;
            } else {
                ground[y] = true;
                double r = y - g.horizon + 0.5;
                period[y] = Math.max(8, even(g.groundPeriodBottom * r / g.rMax));
                disparity[y] = (int) Math.round(g.groundDisparityMax * r / g.rMax);
                eyeShift[y] = shiftFor(eye, disparity[y]);
            }
        }
        // Clouds drift a quarter pixel per frame at 1280 px; the lawn's bottom row moves
        // max(1, width/640) px per frame and rows nearer the horizon proportionally less
        // (motion parallax), all rows sharing one phase so the lawn never shears.
        skyPhaseStep = phaseStep(0.25 * width / 1280.0 / skyPeriod);
        groundPhaseStep = phaseStep(Math.max(1.0, width / 640.0) / g.groundPeriodBottom);

        Backdrop backdrop = new Backdrop(g);
        yRows = new byte[height][];
        uRows = new byte[height / 2][];
        vRows = new byte[height / 2][];
        double[] rgb = new double[3];
        for (int y = 0; y < height; y++) {
            int p = period[y];
            byte[] row = new byte[p + width];
            for (int u = 0; u < p; u++) {
                backdrop.pixel(ground[y], p, u, y, 1, rgb);
                row[u] = colour.y(rgb);
            }
            extend(row, p, width);
            yRows[y] = row;
        }
        int cw = width / 2;
        for (int cy = 0; cy < height / 2; cy++) {
            int ly = 2 * cy;
            int pc = period[ly] / 2;
            byte[] ur = new byte[pc + cw];
            byte[] vr = new byte[pc + cw];
            for (int uc = 0; uc < pc; uc++) {
                backdrop.pixel(ground[ly], period[ly], 2 * uc, ly, 2, rgb);
                ur[uc] = colour.u(rgb);
                vr[uc] = colour.v(rgb);
            }
            extend(ur, pc, cw);
            extend(vr, pc, cw);
            uRows[cy] = ur;
            vRows[cy] = vr;
        }

        sprites = Sprite.scene(g, colour);
    }

    /** Bytes in one tightly packed I420 frame: {@code w·h + 2·(w/2)·(h/2)}. */
    public static int frameBytes(int width, int height) {
        return width * height + 2 * (width / 2) * (height / 2);
    }

    public Eye eye() {
        return eye;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /**
     * Writes frame {@code frameIndex} into {@code i420} (layout in the class comment). The whole
     * frame is overwritten; stamp the probe afterwards. Allocation-free.
     *
     * @param frameIndex any value (motion is periodic); normally {@link TestSourceClock.Tick#frameIndex()}
     * @throws IllegalArgumentException when fewer than {@link #frameBytes} bytes follow the position
     */
    public void render(ByteBuffer i420, long frameIndex) {
        int base = i420.position();
        int need = frameBytes(width, height);
        if (i420.limit() - base < need) {
            throw new IllegalArgumentException("buffer has " + (i420.limit() - base)
                    + " bytes from its position, a " + width + "x" + height + " I420 frame needs " + need);
        }
        long skyPhase = (frameIndex * skyPhaseStep) & 0xFFFF_FFFFL;
        long groundPhase = (frameIndex * groundPhaseStep) & 0xFFFF_FFFFL;
        int cw = width / 2;
        int uBase = base + width * height;
        int vBase = uBase + cw * (height / 2);
        for (int y = 0; y < height; y++) {
            int off = rowOffset(y, ground[y] ? groundPhase : skyPhase);
            i420.put(base + y * width, yRows[y], off, width);
            if ((y & 1) == 0) {
                // Chroma row y/2 follows luma row y; half a pixel of misregistration on odd
                // offsets is invisible and keeps one offset per row pair.
                int cy = y >> 1;
                i420.put(uBase + cy * cw, uRows[cy], off >> 1, cw);
                i420.put(vBase + cy * cw, vRows[cy], off >> 1, cw);
            }
        }
        for (Sprite s : sprites) {
            s.draw(i420, base, width, height, s.left(frameIndex, eye), s.top(frameIndex));
        }
    }

    // ---- package-private views for tests ----

    /** Number of sprites; index {@code spriteCount() - 1} is the nearest ball. */
    int spriteCount() {
        return sprites.length;
    }

    /** Left edge of sprite {@code i} in this eye at frame {@code t}. */
    int spriteLeft(int i, long t) {
        return sprites[i].left(t, eye);
    }

    int spriteTop(int i, long t) {
        return sprites[i].top(t);
    }

    int spriteWidth(int i) {
        return sprites[i].w;
    }

    int spriteHeight(int i) {
        return sprites[i].h;
    }

    /** Disparity of sprite {@code i} ({@code x_left − x_right}). */
    int spriteDisparity(int i) {
        return sprites[i].disparity;
    }

    /** Disparity of background row {@code y} ({@code x_left − x_right}); 0 in the sky. */
    int rowDisparity(int y) {
        return disparity[y];
    }

    // ---- internals ----

    private int rowOffset(int y, long phase) {
        int p = period[y];
        int scrolled = (int) ((phase * p) >>> 32);
        return Math.floorMod(scrolled - eyeShift[y], p);
    }

    /**
     * Splits a disparity between the eyes: left gets {@code d − d/2}, right {@code −(d/2)}, so
     * the two shifts differ by exactly {@code d}. A texture window starting {@code s} pixels
     * earlier shows its content {@code s} pixels further right.
     */
    static int shiftFor(Eye eye, int d) {
        return eye == Eye.LEFT ? d - d / 2 : -(d / 2);
    }

    private static long phaseStep(double periodsPerFrame) {
        return Math.round(periodsPerFrame * 0x1.0p32) & 0xFFFF_FFFFL;
    }

    private static int even(double v) {
        return 2 * (int) Math.round(v / 2);
    }

    private static void extend(byte[] row, int period, int extra) {
        for (int i = period; i < period + extra; i++) {
            row[i] = row[i - period];
        }
    }

    /** Layout shared by background and sprites, derived from the frame size only. */
    static final class Geometry {
        final int width;
        final int height;
        final int horizon;          // first lawn row; even, so chroma rows never straddle it
        final int rMax;             // lawn rows
        final double groundPeriodBottom;
        final double groundDisparityMax;

        Geometry(int width, int height) {
            this.width = width;
            this.height = height;
            this.horizon = Math.max(2, even(0.42 * height));
            this.rMax = height - horizon;
            this.groundPeriodBottom = 1.6 * width;
            this.groundDisparityMax = width / 48.0;
        }

        /**
         * Lawn row (distance below the horizon) where an object of disparity {@code d} stands:
         * disparity and row distance are both proportional to 1/depth.
         */
        double contactRow(double d) {
            return rMax * d / groundDisparityMax;
        }
    }

    /** Colour of the sky and the lawn at a point; constructor-time only. */
    private static final class Backdrop {
        private static final double[] ZENITH = {0.22, 0.42, 0.82};
        private static final double[] HORIZON = {0.78, 0.86, 0.95};
        private static final double[] CLOUD_LIT = {0.98, 0.98, 0.99};
        private static final double[] CLOUD_SHADE = {0.74, 0.77, 0.84};
        private static final double[] HAZE = {0.72, 0.80, 0.86};
        private static final double[] LAWN_LIGHT = {0.36, 0.60, 0.22};
        private static final double[] LAWN_DARK = {0.24, 0.47, 0.16};

        private final Geometry g;
        private final ValueNoise clouds = new ValueNoise(0x5EED_C10DL);
        private final ValueNoise grass = new ValueNoise(0x5EED_6A55L);
        private final double zScale;
        private final int skyPeriod;

        Backdrop(Geometry g) {
            this.g = g;
            this.skyPeriod = even(2 * g.width);
            // Tiles at the bottom row are width/10 wide and half as tall (foreshortened).
            this.zScale = g.rMax / (0.05 * g.width);
        }

        /**
         * Average colour of the {@code size × size} pixel block at texture column {@code u} (of a
         * row with period {@code p}) and frame row {@code y}: 1 for luma, 2 for a chroma sample.
         * The lawn is supersampled 2×2 per pixel because its tiles shrink below a pixel near the
         * horizon; the smooth sky takes one sample at the block centre, which keeps construction
         * cheap.
         */
        void pixel(boolean lawn, int p, int u, int y, int size, double[] out) {
            if (!lawn) {
                sky(u + size / 2.0, y + size / 2.0, out);
                return;
            }
            double r = 0;
            double gr = 0;
            double b = 0;
            double step = size / 2.0;
            for (int s = 0; s < 4; s++) {
                sample(true, p, u + step * (0.5 + (s & 1)), y + step * (0.5 + (s >> 1)), out);
                r += out[0];
                gr += out[1];
                b += out[2];
            }
            out[0] = r / 4;
            out[1] = gr / 4;
            out[2] = b / 4;
        }

        /** Colour at texture column {@code u} (of a row with period {@code p}) and frame row {@code y}. */
        void sample(boolean lawn, int p, double u, double y, double[] out) {
            if (lawn) {
                lawn(u * GROUND_TILES / p, y - g.horizon, out);
            } else {
                sky(u, y, out);
            }
        }

        private void sky(double u, double y, double[] out) {
            double t = Math.min(1, Math.max(0, y / g.horizon));
            mix(ZENITH, HORIZON, t * (2 - t), out); // paler quickly towards the horizon
            int cells = 8; // cloud lattice cells per period: clouds about a quarter frame wide
            double n = clouds.fractal(u * cells / skyPeriod, y * 2.5 * cells / skyPeriod, cells, 4);
            double cover = smoothstep(0.48, 0.72, n) * (1 - smoothstep(0.75, 1.0, t));
            // Thicker clouds are darker and slightly blue-grey (a neutral grey reads as tan
            // against the blue sky).
            double thick = smoothstep(0.6, 0.85, n);
            for (int i = 0; i < 3; i++) {
                double cloud = CLOUD_LIT[i] + (CLOUD_SHADE[i] - CLOUD_LIT[i]) * thick;
                out[i] += (cloud - out[i]) * cover;
            }
        }

        private void lawn(double tileX, double r, double[] out) {
            double tileZ = zScale * g.rMax / Math.max(r, 0.25);
            boolean light = ((((long) Math.floor(tileX)) + (long) Math.floor(tileZ)) & 1) == 0;
            double[] base = light ? LAWN_LIGHT : LAWN_DARK;
            double n = grass.fractal(tileX * 6, tileZ * 6, GROUND_TILES * 6, 2);
            double grain = 0.72 + 0.56 * n;
            for (int i = 0; i < 3; i++) {
                out[i] = base[i] * grain;
            }
            // Aerial perspective hides the sub-pixel tiles near the horizon.
            double near = Math.max(0, 1 - r / (0.3 * g.rMax));
            double fog = near * Math.sqrt(near);
            for (int i = 0; i < 3; i++) {
                out[i] += (HAZE[i] - out[i]) * fog;
            }
        }

        private static void mix(double[] a, double[] b, double t, double[] out) {
            for (int i = 0; i < 3; i++) {
                out[i] = a[i] + (b[i] - a[i]) * t;
            }
        }

        private static double smoothstep(double e0, double e1, double x) {
            double t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
            return t * t * (3 - 2 * t);
        }
    }

    /**
     * A precomputed opaque object: per-row spans of pixels (convex rows, so each row is one bulk
     * copy), a disparity, and a periodic path.
     */
    private static final class Sprite {
        final int w;
        final int h;
        final byte[][] yPix;
        final byte[][] uPix;
        final byte[][] vPix;
        final int[] ySpanStart;
        final int[] ySpanEnd;
        final int[] cSpanStart;
        final int[] cSpanEnd;
        final int disparity; // even, so both eyes' positions stay chroma aligned

        // cyclopean centre path: c + a·sin(2π·t/period + phase)
        double cx;
        double ax;
        int periodX;
        double phaseX;
        double cy;
        double ay;
        int periodY;
        double phaseY;

        interface Shader {
            boolean inside(double x, double y);

            void rgb(double x, double y, double[] out);
        }

        Sprite(int w, int h, int disparity, Shader shader, Bt601 colour) {
            this.w = Math.max(2, w & ~1);
            this.h = Math.max(2, h & ~1);
            this.disparity = disparity & ~1;
            yPix = new byte[this.h][this.w];
            ySpanStart = new int[this.h];
            ySpanEnd = new int[this.h];
            uPix = new byte[this.h / 2][this.w / 2];
            vPix = new byte[this.h / 2][this.w / 2];
            cSpanStart = new int[this.h / 2];
            cSpanEnd = new int[this.h / 2];
            double[] rgb = new double[3];
            for (int j = 0; j < this.h; j++) {
                int first = -1;
                int last = -1;
                for (int i = 0; i < this.w; i++) {
                    double x = i + 0.5;
                    double y = j + 0.5;
                    if (shader.inside(x, y)) {
                        if (first < 0) {
                            first = i;
                        }
                        last = i;
                        shader.rgb(x, y, rgb);
                        yPix[j][i] = colour.y(rgb);
                    }
                }
                ySpanStart[j] = first < 0 ? 0 : first;
                ySpanEnd[j] = first < 0 ? 0 : last + 1;
            }
            for (int j = 0; j < this.h / 2; j++) {
                int first = -1;
                int last = -1;
                for (int i = 0; i < this.w / 2; i++) {
                    double x = 2 * i + 1.0;
                    double y = 2 * j + 1.0;
                    if (shader.inside(x, y)) {
                        if (first < 0) {
                            first = i;
                        }
                        last = i;
                        shader.rgb(x, y, rgb);
                        uPix[j][i] = colour.u(rgb);
                        vPix[j][i] = colour.v(rgb);
                    }
                }
                cSpanStart[j] = first < 0 ? 0 : first;
                cSpanEnd[j] = first < 0 ? 0 : last + 1;
            }
        }

        Sprite path(double cx, double ax, int periodX, double phaseX,
                    double cy, double ay, int periodY, double phaseY) {
            this.cx = cx;
            this.ax = ax;
            this.periodX = periodX;
            this.phaseX = phaseX;
            this.cy = cy;
            this.ay = ay;
            this.periodY = periodY;
            this.phaseY = phaseY;
            return this;
        }

        /** Left edge in {@code eye}: even; right eye exactly {@code disparity} further left. */
        int left(long t, Eye eye) {
            double x = cx + ax * Math.sin(2 * Math.PI * Math.floorMod(t, periodX) / periodX + phaseX);
            int leftEye = 2 * (int) Math.floor((x - w / 2.0 + disparity / 2.0) / 2);
            return eye == Eye.LEFT ? leftEye : leftEye - disparity;
        }

        /** Top edge (same in both eyes: parallel cameras have no vertical disparity); even. */
        int top(long t) {
            double y = cy + ay * Math.sin(2 * Math.PI * Math.floorMod(t, periodY) / periodY + phaseY);
            return 2 * (int) Math.floor((y - h / 2.0) / 2);
        }

        void draw(ByteBuffer buf, int base, int width, int height, int left, int top) {
            for (int j = 0; j < h; j++) {
                int y = top + j;
                if (y < 0 || y >= height) {
                    continue;
                }
                int s = Math.max(left + ySpanStart[j], 0);
                int e = Math.min(left + ySpanEnd[j], width);
                if (s < e) {
                    buf.put(base + y * width + s, yPix[j], s - left, e - s);
                }
            }
            int cw = width / 2;
            int ch = height / 2;
            int cLeft = left / 2; // left and top are even
            int cTop = top / 2;
            int uBase = base + width * height;
            int vBase = uBase + cw * ch;
            for (int j = 0; j < h / 2; j++) {
                int y = cTop + j;
                if (y < 0 || y >= ch) {
                    continue;
                }
                int s = Math.max(cLeft + cSpanStart[j], 0);
                int e = Math.min(cLeft + cSpanEnd[j], cw);
                if (s < e) {
                    buf.put(uBase + y * cw + s, uPix[j], s - cLeft, e - s);
                    buf.put(vBase + y * cw + s, vPix[j], s - cLeft, e - s);
                }
            }
        }

        /**
         * The scene's objects, far to near. Sizes follow depth (size ∝ disparity ∝ 1/depth) and the
         * pillars stand on the lawn row whose disparity equals theirs, so every depth cue agrees.
         */
        static Sprite[] scene(Geometry g, Bt601 colour) {
            int w = g.width;
            int h = g.height;
            Sprite farPillar = pillar(g, w / 110.0, colour, 0.23)
                    .path(0.30 * w, 0.22 * w, 900, 0.0, 0, 0, 1, 0);
            farPillar.standOn(g);
            Sprite nearPillar = pillar(g, w / 70.0, colour, 0.31)
                    .path(0.72 * w, 0.18 * w, 660, 2.0, 0, 0, 1, 0);
            nearPillar.standOn(g);

            double dMid = w / 64.0;
            double rMid = g.contactRow(dMid);
            int midRadius = (int) Math.max(2, 0.22 * rMid);
            // Floating, but never lower than the lawn at its own depth.
            double midCy = g.horizon + 0.30 * rMid;
            double midAy = Math.max(0, Math.min(0.25 * rMid, g.horizon + rMid - midRadius - midCy));
            Sprite midBall = ball(2 * midRadius, (int) Math.round(dMid), colour,
                    new double[] {0.10, 0.52, 0.58}, new double[] {0.95, 0.92, 0.35})
                    .path(0.5 * w, 0.30 * w, 300, 1.0, midCy, midAy, 170, 0.0);

            double dNear = w / 36.0;
            int nearRadius = (int) Math.max(2, 0.2 * g.contactRow(dNear));
            Sprite nearBall = ball(2 * nearRadius, (int) Math.round(dNear), colour,
                    new double[] {0.93, 0.42, 0.10}, new double[] {0.97, 0.97, 0.95})
                    .path(0.5 * w, 0.28 * w, 240, 0.0, 0.55 * h, 0.18 * h, 240, Math.PI / 2);
            return new Sprite[] {farPillar, nearPillar, midBall, nearBall};
        }

        private void standOn(Geometry g) {
            // Foot on the lawn row of the pillar's own depth; top edge = foot − height.
            this.cy = g.horizon + g.contactRow(disparity) - h / 2.0;
        }

        private static Sprite pillar(Geometry g, double d, Bt601 colour, double hue) {
            double contact = g.contactRow(d);
            int pw = (int) Math.max(2, 0.35 * contact);
            int ph = (int) Math.max(2, 1.4 * contact);
            int course = Math.max(2, ph / 16);
            double[] brick = {0.62 + hue * 0.2, 0.33, 0.22};
            Shader shader = new Shader() {
                @Override
                public boolean inside(double x, double y) {
                    return x >= 0 && x < pw && y >= 0 && y < ph;
                }

                @Override
                public void rgb(double x, double y, double[] out) {
                    int row = (int) (y / course);
                    double bx = x / (1.4 * course) + (row & 1) * 0.5; // staggered joints
                    boolean mortar = (y % course) < Math.max(1, course / 5.0)
                            || (bx - Math.floor(bx)) < Math.max(1.0, course / 5.0) / (1.4 * course);
                    // Lit from the upper left, like the balls: a round-ish pillar's shading.
                    double across = x / pw;
                    double shade = 0.45 + 0.55 * Math.cos((across - 0.3) * Math.PI * 0.8);
                    double vary = 0.9 + 0.1 * Math.sin(row * 12.9898 + Math.floor(bx) * 78.233);
                    for (int i = 0; i < 3; i++) {
                        out[i] = (mortar ? 0.78 : brick[i] * vary) * shade;
                    }
                }
            };
            return new Sprite(pw, ph, (int) Math.round(d), shader, colour);
        }

        private static Sprite ball(int size, int d, Bt601 colour, double[] paint, double[] band) {
            double r = size / 2.0;
            double[] light = normalise(-0.45, -0.6, 0.66);
            double[] half = normalise(light[0], light[1], light[2] + 1);
            Shader shader = new Shader() {
                @Override
                public boolean inside(double x, double y) {
                    double dx = x - r;
                    double dy = y - r;
                    return dx * dx + dy * dy <= r * r;
                }

                @Override
                public void rgb(double x, double y, double[] out) {
                    double nx = (x - r) / r;
                    double ny = (y - r) / r;
                    double nz = Math.sqrt(Math.max(0, 1 - nx * nx - ny * ny));
                    double diffuse = Math.max(0, nx * light[0] + ny * light[1] + nz * light[2]);
                    double spec = Math.pow(Math.max(0, nx * half[0] + ny * half[1] + nz * half[2]), 40);
                    // A tilted band round the ball, so it reads as a ball and not a disc.
                    double lat = ny * Math.cos(0.35) + nx * Math.sin(0.35);
                    double[] base = Math.abs(lat) < 0.17 ? band : paint;
                    for (int i = 0; i < 3; i++) {
                        out[i] = base[i] * (0.2 + 0.85 * diffuse) + 0.45 * spec;
                    }
                }
            };
            return new Sprite(size, size, d, shader, colour);
        }

        private static double[] normalise(double x, double y, double z) {
            double n = Math.sqrt(x * x + y * y + z * z);
            return new double[] {x / n, y / n, z / n};
        }
    }
}
