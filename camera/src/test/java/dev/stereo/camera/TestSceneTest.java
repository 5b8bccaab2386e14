package dev.stereo.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stereo.core.Eye;
import dev.stereo.core.probe.ProbeStamp;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestSceneTest {

    private static final int W = 640;
    private static final int H = 360;
    private static final TestScene LEFT = new TestScene(Eye.LEFT, W, H);
    private static final TestScene RIGHT = new TestScene(Eye.RIGHT, W, H);

    @Test
    void frameBytesIsTightI420() {
        assertEquals(1280 * 720 * 3 / 2, TestScene.frameBytes(1280, 720));
        assertEquals(322 * 242 + 2 * 161 * 121, TestScene.frameBytes(322, 242));
        assertEquals(ProbeStamp.i420Bytes(322, 242), TestScene.frameBytes(322, 242));
    }

    @Test
    void consecutiveFramesDiffer() {
        byte[] a = render(LEFT, 100);
        byte[] b = render(LEFT, 101);
        assertFalse(Arrays.equals(a, b));
        // motion is broad, not a few pixels: the lawn scrolls and several objects move
        assertTrue(changedBytes(a, b) > a.length / 50, "changed " + changedBytes(a, b));
    }

    @Test
    void renderIsDeterministic() {
        assertTrue(Arrays.equals(render(LEFT, 12345), render(LEFT, 12345)));
        assertTrue(Arrays.equals(render(LEFT, 7), render(new TestScene(Eye.LEFT, W, H), 7)));
    }

    @Test
    void eyesDiffer() {
        assertFalse(Arrays.equals(render(LEFT, 50), render(RIGHT, 50)));
    }

    @Test
    void nearObjectIsFurtherRightInTheLeftEye() {
        int near = LEFT.spriteCount() - 1;
        int d = LEFT.spriteDisparity(near);
        assertTrue(d > 0);
        for (long t : new long[] {0, 37, 120, 555}) {
            assertEquals(d, LEFT.spriteLeft(near, t) - RIGHT.spriteLeft(near, t), "geometry at frame " + t);
            assertEquals(LEFT.spriteTop(near, t), RIGHT.spriteTop(near, t), "no vertical disparity");
        }
        // ... and in the pixels: the ball's row segment in the left eye matches the right eye's
        // best at x_right = x_left − d.
        long t = 0;
        int row = LEFT.spriteTop(near, t) + LEFT.spriteHeight(near) / 2;
        int x0 = LEFT.spriteLeft(near, t) + LEFT.spriteWidth(near) / 4;
        int len = LEFT.spriteWidth(near) / 2;
        int best = bestShift(render(LEFT, t), render(RIGHT, t), row, x0, len, 3 * d);
        assertTrue(Math.abs(best - d) <= 1, "measured " + best + ", expected " + d);
    }

    @Test
    void nearerThingsHaveLargerDisparity() {
        int n = LEFT.spriteCount();
        for (int i = 1; i < n; i++) {
            assertTrue(LEFT.spriteDisparity(i) > LEFT.spriteDisparity(i - 1), "sprites ordered far to near");
        }
        assertEquals(0, LEFT.rowDisparity(0), "sky at infinity");
        assertTrue(LEFT.rowDisparity(H - 1) > LEFT.rowDisparity(H * 3 / 4));
        assertTrue(LEFT.rowDisparity(H * 3 / 4) > 0);
    }

    @Test
    void lawnDisparityShowsInThePixels() {
        int row = H - 1; // bottom row: only lawn there
        int d = LEFT.rowDisparity(row);
        assertTrue(d >= 4, "bottom-row disparity " + d);
        int best = bestShift(render(LEFT, 9), render(RIGHT, 9), row, W / 4, W / 2, 3 * d);
        assertEquals(d, best);
    }

    @ParameterizedTest
    @CsvSource({"320, 240", "640, 480", "322, 242", "1000, 562", "16, 16", "18, 1000"})
    void rendersAnySizeWithoutError(int w, int h) {
        TestScene scene = new TestScene(Eye.RIGHT, w, h);
        ByteBuffer buf = ByteBuffer.allocateDirect(TestScene.frameBytes(w, h));
        for (long t : new long[] {0, 1, 59, 1_000_000, Long.MAX_VALUE, -5}) {
            scene.render(buf, t);
        }
        assertEquals(0, buf.position());
    }

    @ParameterizedTest
    @CsvSource({"320, 240", "640, 360", "1280, 720", "1920, 1080"})
    void probeBandSurvivesRenderAndStamp(int w, int h) {
        long now = 1_767_225_600_000L;
        for (Eye eye : Eye.values()) {
            TestScene scene = new TestScene(eye, w, h);
            ByteBuffer buf = ByteBuffer.allocateDirect(TestScene.frameBytes(w, h));
            scene.render(buf, 77);
            ProbeStamp.stampI420(buf, w, h, now, eye.id(), false);
            assertEquals(new ProbeStamp.Decoded(now, eye.id(), true), ProbeStamp.decodeLuma(buf, w, 0, w));
        }
    }

    @Test
    void writesExactlyOneFrameFromThePosition() {
        int pad = 64;
        ByteBuffer buf = ByteBuffer.allocate(pad + TestScene.frameBytes(W, H) + pad);
        Arrays.fill(buf.array(), (byte) 0x5A);
        buf.position(pad);
        LEFT.render(buf, 3);
        assertEquals(pad, buf.position());
        for (int i = 0; i < pad; i++) {
            assertEquals(0x5A, buf.get(i));
            assertEquals(0x5A, buf.get(buf.capacity() - 1 - i));
        }
        byte[] atZero = render(LEFT, 3);
        byte[] shifted = Arrays.copyOfRange(buf.array(), pad, pad + atZero.length);
        assertTrue(Arrays.equals(atZero, shifted));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new TestScene(Eye.LEFT, 321, 240));
        assertThrows(IllegalArgumentException.class, () -> new TestScene(Eye.LEFT, 320, 241));
        assertThrows(IllegalArgumentException.class, () -> new TestScene(Eye.LEFT, 14, 240));
        assertThrows(IllegalArgumentException.class, () -> new TestScene(null, 320, 240));
        ByteBuffer small = ByteBuffer.allocate(TestScene.frameBytes(W, H) - 1);
        assertThrows(IllegalArgumentException.class, () -> LEFT.render(small, 0));
    }

    @Test
    void renderDoesNotAllocate() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean)) {
            return;
        }
        com.sun.management.ThreadMXBean hot = (com.sun.management.ThreadMXBean) mx;
        if (!hot.isThreadAllocatedMemorySupported() || !hot.isThreadAllocatedMemoryEnabled()) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(TestScene.frameBytes(W, H));
        for (int i = 0; i < 2000; i++) { // let the JIT settle
            LEFT.render(buf, i);
            ProbeStamp.stampI420(buf, W, H, 1_767_225_600_000L + i, 0, false);
        }
        long tid = Thread.currentThread().getId();
        long before = hot.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 500; i++) {
            LEFT.render(buf, i);
            ProbeStamp.stampI420(buf, W, H, 1_767_225_600_000L + i, 0, false);
        }
        long allocated = hot.getThreadAllocatedBytes(tid) - before;
        // One frame is 345 600 bytes; allow only measurement noise.
        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes in 500 frames");
    }

    // ---- helpers ----

    private static byte[] render(TestScene scene, long t) {
        ByteBuffer buf = ByteBuffer.allocate(TestScene.frameBytes(scene.width(), scene.height()));
        scene.render(buf, t);
        return buf.array();
    }

    private static int changedBytes(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                n++;
            }
        }
        return n;
    }

    /**
     * Shift s in [-range, range] minimising the luma difference between left[x] and right[x − s]
     * for x in [x0, x0 + len) on one row: the disparity x_left − x_right.
     */
    private static int bestShift(byte[] left, byte[] right, int row, int x0, int len, int range) {
        int best = 0;
        long bestCost = Long.MAX_VALUE;
        for (int s = -range; s <= range; s++) {
            long cost = 0;
            for (int x = x0; x < x0 + len; x++) {
                int xr = x - s;
                if (xr < 0 || xr >= W) {
                    cost += 255;
                    continue;
                }
                cost += Math.abs((left[row * W + x] & 0xFF) - (right[row * W + xr] & 0xFF));
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = s;
            }
        }
        return best;
    }
}
