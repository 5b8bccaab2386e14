package dev.stereo.core.probe;

import java.nio.ByteBuffer;
import java.util.function.IntBinaryOperator;

/**
 * The latency-probe frame stamp of {@code shared/PROBE.md}, version 1: a 64-bit word (capture time
 * in epoch milliseconds, eye id, checksum) drawn as 64 black/white cells in the top rows of a frame,
 * and the receiver algorithm that reads it back.
 *
 * <p>Who calls: the test-source driver thread stamps every generated frame right after rendering it
 * and before any encoder sees it ({@link #stampI420}); tests, benchmarks and any Java-side receiver
 * decode with {@link #decodeLuma}. Every method is a pure static function without shared state, so
 * any thread may call them concurrently (on different buffers). Stamping allocates nothing: it runs
 * once per frame per eye on the media path.
 *
 * <p>Buffer convention for the I420 methods: the frame starts at the buffer's current
 * {@link ByteBuffer#position() position} (normally 0) and is addressed with absolute indices, so the
 * buffer's position and limit are left untouched. Planes are tightly packed: Y is
 * {@code width × height} bytes with stride {@code width}, then U and V, each
 * {@code width/2 × height/2} with stride {@code width/2}.
 */
public final class ProbeStamp {

    /** Number of cells (bits) in the band. */
    public static final int CELLS = 64;

    /** Smallest usable cell size: the receiver reads a 4×4 block at each cell's centre. */
    public static final int MIN_CELL = 4;

    /** Widths at or above this use {@link #LARGE_CELL}-px cells (macroblock aligned). */
    public static final int LARGE_WIDTH = 1024;

    /** Cell size for frames at least {@link #LARGE_WIDTH} wide. */
    public static final int LARGE_CELL = 16;

    /** Luma of the band beyond the 64 cells. */
    public static final int MID_GREY = 128;

    /** Neutral chroma, so cells stay pure white/black/grey after colour conversion. */
    public static final int NEUTRAL_CHROMA = 128;

    private static final long TS_MASK = (1L << 48) - 1;

    private ProbeStamp() {}

    /** The decoded content of a stamp word. {@code checksumOk == false} means: reject the frame. */
    public record Decoded(long epochMs, int eyeId, boolean checksumOk) {}

    /**
     * Cell size in pixels for a frame (or side-by-side half) {@code width} pixels wide:
     * 16 when {@code width >= 1024}, else {@code width / 64}.
     *
     * @throws IllegalArgumentException when the frame is too narrow to carry the probe (cell < 4,
     *     i.e. narrower than 256 px)
     */
    public static int cellSize(int width) {
        int c = width >= LARGE_WIDTH ? LARGE_CELL : width / CELLS;
        if (c < MIN_CELL) {
            throw new IllegalArgumentException(
                    "frame width " + width + " is too narrow for the latency probe (needs >= 256 px)");
        }
        return c;
    }

    /**
     * The checksum byte: XOR of the six bytes of the 48-bit timestamp and the eye byte.
     */
    public static int checksum(long epochMs, int eyeId) {
        long ts = epochMs & TS_MASK;
        int chk = eyeId & 0xFF;
        for (int i = 0; i < 6; i++) {
            chk ^= (int) (ts >>> (8 * i)) & 0xFF;
        }
        return chk;
    }

    /**
     * The 64-bit stamp word {@code (ts_ms << 16) | (eye << 8) | chk}.
     *
     * @throws IllegalArgumentException when {@code epochMs} does not fit in 48 unsigned bits or
     *     {@code eyeId} not in a byte (a caller bug; the wall clock will not reach 2^48 ms until
     *     the year 10889)
     */
    public static long word(long epochMs, int eyeId) {
        if (epochMs < 0 || epochMs > TS_MASK) {
            throw new IllegalArgumentException("epochMs out of 48-bit range: " + epochMs);
        }
        if (eyeId < 0 || eyeId > 0xFF) {
            throw new IllegalArgumentException("eyeId out of byte range: " + eyeId);
        }
        return (epochMs << 16) | ((long) eyeId << 8) | checksum(epochMs, eyeId);
    }

    /** Splits a word into timestamp, eye id and checksum verdict. */
    public static Decoded decode(long word) {
        long ts = word >>> 16;
        int eye = (int) (word >>> 8) & 0xFF;
        int chk = (int) word & 0xFF;
        return new Decoded(ts, eye, chk == checksum(ts, eye));
    }

    /**
     * Stamps a whole I420 frame: band at x = 0 across the full width, cell size from
     * {@code width}. Allocation-free.
     *
     * @param fullRange true to write 255/0 cells (full-range video), false for 235/16 (limited
     *     "TV" range, what encoders assume unless told otherwise)
     * @throws IllegalArgumentException for odd or too small dimensions, a too-small buffer, or an
     *     out-of-range timestamp/eye
     */
    public static void stampI420(ByteBuffer frame, int width, int height,
                                 long epochMs, int eyeId, boolean fullRange) {
        stampI420(frame, width, height, 0, width, epochMs, eyeId, fullRange);
    }

    /**
     * Stamps one band of an I420 frame, covering {@code x ∈ [xOffset, xOffset + bandWidth)}, cell
     * size from {@code bandWidth}. For a side-by-side frame each half is a frame of its own: stamp
     * the left eye with {@code (0, width/2)} and the right eye with {@code (width/2, width/2)}.
     * Allocation-free.
     *
     * @throws IllegalArgumentException for odd dimensions or offset (chroma would straddle the two
     *     halves), a band outside the frame or narrower than 256 px, a too-small buffer, or an
     *     out-of-range timestamp/eye
     */
    public static void stampI420(ByteBuffer frame, int width, int height, int xOffset, int bandWidth,
                                 long epochMs, int eyeId, boolean fullRange) {
        checkI420(frame, width, height);
        if (xOffset < 0 || (xOffset & 1) != 0 || bandWidth <= 0 || xOffset + bandWidth > width) {
            throw new IllegalArgumentException("band [" + xOffset + ", " + (xOffset + bandWidth)
                    + ") must lie in the frame width " + width + " and start at an even x");
        }
        int c = cellSize(bandWidth);
        long word = word(epochMs, eyeId);
        byte one = (byte) (fullRange ? 255 : 235);
        byte zero = (byte) (fullRange ? 0 : 16);
        byte grey = (byte) MID_GREY;
        int base = frame.position();

        // cellSize guarantees 64·c <= bandWidth, so all cells fit; the rest is grey.
        int rows = Math.min(c, height);
        int cellsEnd = CELLS * c;
        for (int y = 0; y < rows; y++) {
            int row = base + y * width + xOffset;
            for (int i = 0; i < CELLS; i++) {
                byte value = ((word >>> (63 - i)) & 1) != 0 ? one : zero;
                int x0 = row + i * c;
                for (int x = 0; x < c; x++) {
                    frame.put(x0 + x, value);
                }
            }
            for (int x = cellsEnd; x < bandWidth; x++) {
                frame.put(row + x, grey);
            }
        }

        // Neutral chroma under the band: a cell of odd size c shares its last chroma row with the
        // picture below, hence ceil(c/2) rows (PROBE.md).
        int cw = width / 2;
        int chromaRows = Math.min((c + 1) / 2, height / 2);
        int cx0 = xOffset / 2;
        int cx1 = (xOffset + bandWidth + 1) / 2;
        int uBase = base + width * height;
        int vBase = uBase + cw * (height / 2);
        byte neutral = (byte) NEUTRAL_CHROMA;
        for (int y = 0; y < chromaRows; y++) {
            for (int x = cx0; x < cx1; x++) {
                frame.put(uBase + y * cw + x, neutral);
                frame.put(vBase + y * cw + x, neutral);
            }
        }
    }

    /**
     * Receiver algorithm of PROBE.md on any luma source: for each cell, averages the centre 4×4
     * block and reads bit 1 when the average is >= 128.
     *
     * @param lumaAt returns the luma (0–255) at {@code (x, y)} in frame coordinates; for RGB
     *     sources compute {@code 0.299 R + 0.587 G + 0.114 B}
     * @param xOffset left edge of the band (0, or {@code width/2} for a side-by-side right half)
     * @param bandWidth width of the frame or half the band belongs to; determines the cell size
     * @return the decoded word; check {@link Decoded#checksumOk()} before using it
     * @throws IllegalArgumentException when {@code bandWidth} is too narrow to carry a probe
     */
    public static Decoded decodeLuma(IntBinaryOperator lumaAt, int xOffset, int bandWidth) {
        int c = cellSize(bandWidth);
        int half = c / 2;
        int y0 = half - 2;
        long word = 0;
        for (int i = 0; i < CELLS; i++) {
            int x0 = xOffset + c * i + half - 2;
            int sum = 0;
            for (int dy = 0; dy < 4; dy++) {
                for (int dx = 0; dx < 4; dx++) {
                    sum += lumaAt.applyAsInt(x0 + dx, y0 + dy);
                }
            }
            // average >= 128  <=>  sum of 16 samples >= 2048 (no rounding question)
            word = (word << 1) | (sum >= 16 * 128 ? 1 : 0);
        }
        return decode(word);
    }

    /**
     * {@link #decodeLuma(IntBinaryOperator, int, int)} on a Y plane held in a byte array (row 0 at
     * index 0).
     *
     * @param stride bytes from one row to the next (at least the frame width)
     */
    public static Decoded decodeLuma(byte[] yPlane, int stride, int xOffset, int bandWidth) {
        return decodeLuma((x, y) -> yPlane[y * stride + x] & 0xFF, xOffset, bandWidth);
    }

    /**
     * {@link #decodeLuma(IntBinaryOperator, int, int)} on a Y plane held in a buffer, row 0 at the
     * buffer's current position; absolute reads, position unchanged. Works directly on an I420
     * frame (its Y plane comes first).
     */
    public static Decoded decodeLuma(ByteBuffer yPlane, int stride, int xOffset, int bandWidth) {
        int base = yPlane.position();
        return decodeLuma((x, y) -> yPlane.get(base + y * stride + x) & 0xFF, xOffset, bandWidth);
    }

    /** Size in bytes of a tightly packed I420 frame ({@code w·h + 2·(w/2)·(h/2)}). */
    public static int i420Bytes(int width, int height) {
        return width * height + 2 * (width / 2) * (height / 2);
    }

    private static void checkI420(ByteBuffer frame, int width, int height) {
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("I420 needs even positive dimensions, got "
                    + width + "x" + height);
        }
        int need = i420Bytes(width, height);
        if (frame.limit() - frame.position() < need) {
            throw new IllegalArgumentException("buffer has " + (frame.limit() - frame.position())
                    + " bytes from its position, an I420 " + width + "x" + height + " frame needs " + need);
        }
    }
}
