package dev.stereo.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RateWindowTest {

    static final long S = 1_000_000_000L;

    @Test
    void averagesCompleteSecondsOnly() {
        RateWindow r = new RateWindow(3, 0);
        assertEquals(0, 8 * r.perSecond(S / 2), "nothing complete yet");
        r.add(1000, S / 10);
        r.add(1000, S / 2);
        assertEquals(0, 8 * r.perSecond(S - 1), "second 0 is not complete");
        assertEquals(16_000, 8 * r.perSecond(S), "2000 bytes in one complete second");
        r.add(3000, S + 1);
        r.add(3000, 2 * S + 1);
        assertEquals((2000 + 3000 + 3000) * 8.0 / 3, 8 * r.perSecond(3 * S), 1e-9);
        assertEquals((3000 + 3000) * 8.0 / 3, 8 * r.perSecond(4 * S), 1e-9, "second 0 left the window");
    }

    @Test
    void fallsToZeroWhenTheEncoderStops() {
        RateWindow r = new RateWindow(2, 0);
        r.add(5000, S / 2);
        assertEquals(40_000, 8 * r.perSecond(S));
        assertEquals(0, 8 * r.perSecond(10 * S));
        r.add(100, 10 * S + 5); // a slot reused after wrapping round starts from zero
        assertEquals(400, 8 * r.perSecond(11 * S));
    }

    @Test
    void rejectsAnEmptyWindow() {
        assertThrows(IllegalArgumentException.class, () -> new RateWindow(0, 0));
    }
}
