package dev.stereo.core.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProbeStampTest {

    private static final long T = 1_767_225_600_123L; // 2026-01-01T00:00:00.123Z

    @Test
    void cellSizeFollowsProbeMd() {
        assertEquals(16, ProbeStamp.cellSize(1920));
        assertEquals(16, ProbeStamp.cellSize(1280));
        assertEquals(16, ProbeStamp.cellSize(1024));
        assertEquals(15, ProbeStamp.cellSize(1023));
        assertEquals(10, ProbeStamp.cellSize(640));
        assertEquals(5, ProbeStamp.cellSize(320));
        assertEquals(4, ProbeStamp.cellSize(256));
        assertThrows(IllegalArgumentException.class, () -> ProbeStamp.cellSize(255));
        assertThrows(IllegalArgumentException.class, () -> ProbeStamp.cellSize(0));
    }

    @Test
    void wordLayoutAndChecksum() {
        long ts = 0x0123_4567_89ABL;
        long w = ProbeStamp.word(ts, 1);
        int chk = 0x01 ^ 0x23 ^ 0x45 ^ 0x67 ^ 0x89 ^ 0xAB ^ 0x01;
        assertEquals((ts << 16) | (1L << 8) | chk, w);
        assertEquals(new ProbeStamp.Decoded(ts, 1, true), ProbeStamp.decode(w));
        assertFalse(ProbeStamp.decode(w ^ (1L << 40)).checksumOk());
        assertFalse(ProbeStamp.decode(w ^ 1L).checksumOk());
    }

    @Test
    void wordRejectsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> ProbeStamp.word(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> ProbeStamp.word(1L << 48, 0));
        assertThrows(IllegalArgumentException.class, () -> ProbeStamp.word(T, 256));
        assertThrows(IllegalArgumentException.class, () -> ProbeStamp.word(T, -1));
    }

    @ParameterizedTest
    @CsvSource({
        "320, 240, 0, false", "320, 240, 1, true",
        "640, 480, 0, true", "640, 480, 1, false",
        "1280, 720, 0, false", "1280, 720, 1, true",
        "1920, 1080, 0, true", "1920, 1080, 1, false",
    })
    void roundTripWholeFrame(int w, int h, int eye, boolean fullRange) {
        ByteBuffer frame = noisyFrame(w, h, 42);
        ProbeStamp.stampI420(frame, w, h, T + eye, eye, fullRange);
        assertEquals(0, frame.position(), "position untouched");
        assertEquals(new ProbeStamp.Decoded(T + eye, eye, true), ProbeStamp.decodeLuma(frame, w, 0, w));

        int c = ProbeStamp.cellSize(w);
        int hi = fullRange ? 255 : 235;
        int lo = fullRange ? 0 : 16;
        long word = ProbeStamp.word(T + eye, eye);
        for (int i = 0; i < 64; i++) {
            int expected = ((word >>> (63 - i)) & 1) != 0 ? hi : lo;
            for (int y = 0; y < c; y++) {
                for (int x = c * i; x < c * i + c; x++) {
                    assertEquals(expected, frame.get(y * w + x) & 0xFF, "cell " + i);
                }
            }
        }
        for (int y = 0; y < c; y++) {
            for (int x = 64 * c; x < w; x++) {
                assertEquals(128, frame.get(y * w + x) & 0xFF, "grey tail");
            }
        }
        int cw = w / 2;
        int chromaRows = (c + 1) / 2;
        int u = w * h;
        int v = u + cw * (h / 2);
        for (int y = 0; y < chromaRows; y++) {
            for (int x = 0; x < cw; x++) {
                assertEquals(128, frame.get(u + y * cw + x) & 0xFF);
                assertEquals(128, frame.get(v + y * cw + x) & 0xFF);
            }
        }
    }

    @Test
    void leavesEverythingOutsideTheBandAlone() {
        int w = 320;
        int h = 240;
        ByteBuffer frame = noisyFrame(w, h, 7);
        byte[] before = copy(frame);
        ProbeStamp.stampI420(frame, w, h, T, 0, false);
        byte[] after = copy(frame);
        int c = 5;
        // luma rows below the band
        assertArrayEquals(Arrays.copyOfRange(before, c * w, w * h), Arrays.copyOfRange(after, c * w, w * h));
        // chroma rows below ceil(c/2) = 3
        int cw = w / 2;
        int u = w * h;
        int v = u + cw * (h / 2);
        assertArrayEquals(Arrays.copyOfRange(before, u + 3 * cw, v), Arrays.copyOfRange(after, u + 3 * cw, v));
        assertArrayEquals(Arrays.copyOfRange(before, v + 3 * cw, before.length),
                Arrays.copyOfRange(after, v + 3 * cw, after.length));
    }

    @Test
    void flippedCellIsRejected() {
        int w = 640;
        int h = 480;
        ByteBuffer frame = noisyFrame(w, h, 3);
        ProbeStamp.stampI420(frame, w, h, T, 1, false);
        int c = ProbeStamp.cellSize(w);
        int cell = 20; // inside the timestamp
        for (int y = 0; y < c; y++) {
            for (int x = c * cell; x < c * cell + c; x++) {
                int old = frame.get(y * w + x) & 0xFF;
                frame.put(y * w + x, (byte) (old > 128 ? 16 : 235));
            }
        }
        ProbeStamp.Decoded d = ProbeStamp.decodeLuma(frame, w, 0, w);
        assertFalse(d.checksumOk());
        assertEquals(T ^ (1L << (47 - cell)), d.epochMs());
    }

    @Test
    void survivesMildNoiseAroundTheCellCentres() {
        int w = 1280;
        int h = 720;
        ByteBuffer frame = noisyFrame(w, h, 11);
        ProbeStamp.stampI420(frame, w, h, T, 0, false);
        java.util.Random rnd = new java.util.Random(5);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < w; x++) {
                int v = (frame.get(y * w + x) & 0xFF) + rnd.nextInt(61) - 30;
                frame.put(y * w + x, (byte) Math.max(0, Math.min(255, v)));
            }
        }
        assertEquals(new ProbeStamp.Decoded(T, 0, true), ProbeStamp.decodeLuma(frame, w, 0, w));
    }

    @ParameterizedTest
    @CsvSource({"640, 360", "1280, 480", "2560, 720", "3840, 1080"})
    void sideBySideHalvesAreFramesOfTheirOwn(int w, int h) {
        ByteBuffer frame = noisyFrame(w, h, 9);
        int half = w / 2;
        ProbeStamp.stampI420(frame, w, h, 0, half, T, 0, false);
        ProbeStamp.stampI420(frame, w, h, half, half, T + 1, 1, false);
        assertEquals(new ProbeStamp.Decoded(T, 0, true), ProbeStamp.decodeLuma(frame, w, 0, half));
        assertEquals(new ProbeStamp.Decoded(T + 1, 1, true), ProbeStamp.decodeLuma(frame, w, half, half));

        // The right half's band starts exactly at width/2 with its own cell size.
        int c = ProbeStamp.cellSize(half);
        int hi = 235;
        long word = ProbeStamp.word(T + 1, 1);
        int firstBit = (int) (word >>> 63);
        assertEquals(firstBit == 1 ? hi : 16, frame.get(half) & 0xFF);
        assertEquals(firstBit == 1 ? hi : 16, frame.get((c - 1) * w + half + c - 1) & 0xFF);
    }

    @Test
    void byteArrayAndFunctionDecodersAgree() {
        int w = 640;
        int h = 360;
        ByteBuffer frame = noisyFrame(w, h, 1);
        ProbeStamp.stampI420(frame, w, h, T, 1, true);
        byte[] bytes = copy(frame);
        // a padded copy: stride larger than the width, as decoders often hand out
        int stride = w + 32;
        byte[] padded = new byte[stride * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(bytes, y * w, padded, y * stride, w);
        }
        ProbeStamp.Decoded expected = new ProbeStamp.Decoded(T, 1, true);
        assertEquals(expected, ProbeStamp.decodeLuma(bytes, w, 0, w));
        assertEquals(expected, ProbeStamp.decodeLuma(padded, stride, 0, w));
        assertEquals(expected, ProbeStamp.decodeLuma((x, y) -> padded[y * stride + x] & 0xFF, 0, w));
    }

    @Test
    void honoursTheBufferPosition() {
        int w = 320;
        int h = 240;
        int offset = 100;
        ByteBuffer buf = ByteBuffer.allocateDirect(offset + ProbeStamp.i420Bytes(w, h));
        buf.position(offset);
        ProbeStamp.stampI420(buf, w, h, T, 0, false);
        assertEquals(offset, buf.position());
        for (int i = 0; i < offset; i++) {
            assertEquals(0, buf.get(i));
        }
        assertTrue(ProbeStamp.decodeLuma(buf, w, 0, w).checksumOk());
    }

    @Test
    void rejectsBadGeometry() {
        ByteBuffer small = ByteBuffer.allocate(ProbeStamp.i420Bytes(320, 240) - 1);
        assertThrows(IllegalArgumentException.class, () -> ProbeStamp.stampI420(small, 320, 240, T, 0, false));
        ByteBuffer ok = ByteBuffer.allocate(ProbeStamp.i420Bytes(320, 240));
        assertThrows(IllegalArgumentException.class, () -> ProbeStamp.stampI420(ok, 319, 240, T, 0, false));
        ByteBuffer narrow = ByteBuffer.allocate(ProbeStamp.i420Bytes(254, 240));
        assertThrows(IllegalArgumentException.class, () -> ProbeStamp.stampI420(narrow, 254, 240, T, 0, false));
        ByteBuffer sbs = ByteBuffer.allocate(ProbeStamp.i420Bytes(640, 240));
        assertThrows(IllegalArgumentException.class,
                () -> ProbeStamp.stampI420(sbs, 640, 240, 321, 319, T, 0, false));
        assertThrows(IllegalArgumentException.class,
                () -> ProbeStamp.stampI420(sbs, 640, 240, 320, 321, T, 0, false));
    }

    private static ByteBuffer noisyFrame(int w, int h, long seed) {
        byte[] bytes = new byte[ProbeStamp.i420Bytes(w, h)];
        new java.util.Random(seed).nextBytes(bytes);
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
        buf.put(0, bytes);
        return buf;
    }

    private static byte[] copy(ByteBuffer buf) {
        byte[] out = new byte[buf.capacity()];
        buf.get(0, out);
        return out;
    }
}
