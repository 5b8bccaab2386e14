package dev.stereo.dualtrack;

import java.io.ByteArrayOutputStream;

/** Hand-made H.264 NAL units with just enough structure for the splitter (header, first_mb bit). */
final class H264Samples {

    private H264Samples() {}

    static final byte[] SC3 = {0, 0, 1};
    static final byte[] SC4 = {0, 0, 0, 1};

    static final byte[] AUD = {0x09, (byte) 0xF0};
    static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xDA, 0x02, (byte) 0x80, (byte) 0xBF, (byte) 0xE5};
    static final byte[] PPS = {0x68, (byte) 0xCE, 0x38, (byte) 0x80};
    static final byte[] SEI = {0x06, 0x05, 0x02, 0x11, 0x22, (byte) 0x80};

    /** An IDR slice; {@code firstMbZero} decides whether it starts a picture. */
    static byte[] idrSlice(boolean firstMbZero, int size, int seed) {
        return slice(0x65, firstMbZero, size, seed);
    }

    /** A non-IDR (P) slice. */
    static byte[] pSlice(boolean firstMbZero, int size, int seed) {
        return slice(0x41, firstMbZero, size, seed);
    }

    private static byte[] slice(int header, boolean firstMbZero, int size, int seed) {
        byte[] b = new byte[Math.max(3, size)];
        b[0] = (byte) header;
        // first bit 1 => ue(v) first_mb_in_slice = 0; 0x40 => first_mb_in_slice = 1
        b[1] = (byte) (firstMbZero ? 0x88 : 0x40);
        int x = seed * 7919 + 13;
        for (int i = 2; i < b.length; i++) {
            x = x * 1103515245 + 12345;
            int v = (x >>> 16) & 0xFF;
            // no 00 00 0x (emulation prevention guarantees that in real streams)
            b[i] = (byte) (v < 4 ? v + 0x10 : v);
        }
        b[b.length - 1] = (byte) 0x80; // rbsp_stop_one_bit
        return b;
    }

    /** Concatenates start code + NAL pairs. */
    static byte[] stream(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes((byte[]) p);
        }
        return out.toByteArray();
    }
}
