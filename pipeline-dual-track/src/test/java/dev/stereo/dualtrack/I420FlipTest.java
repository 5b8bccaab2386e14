package dev.stereo.dualtrack;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class I420FlipTest {

    static final int W = 6;
    static final int H = 4;

    /** Every byte holds a value telling plane, x and y apart. */
    static ByteBuffer frame() {
        ByteBuffer b = ByteBuffer.allocateDirect(W * H * 3 / 2);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) b.put(y * W + x, (byte) (y * 10 + x));
        int cw = W / 2, ch = H / 2;
        for (int y = 0; y < ch; y++) for (int x = 0; x < cw; x++) {
            b.put(W * H + y * cw + x, (byte) (100 + y * 10 + x));
            b.put(W * H + cw * ch + y * cw + x, (byte) (200 + y * 10 + x));
        }
        return b;
    }

    static int y(ByteBuffer b, int x, int yy) { return b.get(yy * W + x); }
    static int u(ByteBuffer b, int x, int yy) { return b.get(W * H + yy * (W / 2) + x) & 0xff; }
    static int v(ByteBuffer b, int x, int yy) { return b.get(W * H + (W / 2) * (H / 2) + yy * (W / 2) + x) & 0xff; }

    @Test
    void horizontalMirrorsEveryRowOfEveryPlane() {
        ByteBuffer b = frame();
        new I420Flip(W, H).apply(b, true, false);
        assertEquals(5, y(b, 0, 0));
        assertEquals(30, y(b, 5, 3));
        assertEquals(102, u(b, 0, 0));
        assertEquals(210, v(b, 2, 1));
        assertEquals(0, b.position());
    }

    @Test
    void verticalSwapsRowsAndBothIsA180Rotation() {
        ByteBuffer b = frame();
        new I420Flip(W, H).apply(b, false, true);
        assertEquals(30, y(b, 0, 0));
        assertEquals(5, y(b, 5, 3));
        assertEquals(110, u(b, 0, 0));
        ByteBuffer r = frame();
        new I420Flip(W, H).apply(r, true, true);
        assertEquals(35, y(r, 0, 0));
        assertEquals(0, y(r, 5, 3));
        assertEquals(212, v(r, 0, 0));
        new I420Flip(W, H).apply(r, true, true);
        assertEquals(frame(), r, "twice is the identity");
    }

    @Test
    void oddSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new I420Flip(5, 4));
    }
}
