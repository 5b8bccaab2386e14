package dev.stereo.dualtrack;

import java.nio.ByteBuffer;

/**
 * Mirrors a tightly packed I420 frame in place: horizontally (each row reversed), vertically
 * (rows swapped), or both (= a 180 degree rotation). Option2's test source uses it so that the
 * YAML's flips and rotation apply to it as they do to a camera (whose graph has a videoflip).
 * Pure Java, no allocation per frame beyond the instance's row buffers; one instance per thread.
 */
final class I420Flip {

    private final int width;
    private final int height;
    private final byte[] rowA;
    private final byte[] rowB;

    /** @param width even, @param height even */
    I420Flip(int width, int height) {
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("I420 needs even positive dimensions, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.rowA = new byte[width];
        this.rowB = new byte[width];
    }

    /** Flips the frame starting at index 0 of {@code i420} (absolute access; position unchanged). */
    void apply(ByteBuffer i420, boolean horizontal, boolean vertical) {
        if (!horizontal && !vertical) {
            return;
        }
        int ySize = width * height;
        int cw = width / 2;
        int ch = height / 2;
        plane(i420, 0, width, height, horizontal, vertical);
        plane(i420, ySize, cw, ch, horizontal, vertical);
        plane(i420, ySize + cw * ch, cw, ch, horizontal, vertical);
    }

    private void plane(ByteBuffer b, int offset, int w, int h, boolean horizontal, boolean vertical) {
        int rows = vertical ? (h + 1) / 2 : h;
        for (int y = 0; y < rows; y++) {
            int top = offset + y * w;
            int bottom = offset + (vertical ? h - 1 - y : y) * w;
            b.get(top, rowA, 0, w);
            if (bottom != top) {
                b.get(bottom, rowB, 0, w);
            }
            if (horizontal) {
                reverse(rowA, w);
                if (bottom != top) {
                    reverse(rowB, w);
                }
            }
            b.put(bottom, rowA, 0, w);
            if (bottom != top) {
                b.put(top, rowB, 0, w);
            }
        }
    }

    private static void reverse(byte[] row, int n) {
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            byte t = row[i];
            row[i] = row[j];
            row[j] = t;
        }
    }
}
