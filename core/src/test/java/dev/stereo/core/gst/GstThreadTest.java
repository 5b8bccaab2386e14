package dev.stereo.core.gst;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GstThreadTest {

    @AfterEach
    void clear() {
        System.clearProperty(GstThread.TIMEOUT_SCALE_PROPERTY);
    }

    @Test
    void timeoutsAreUnscaledByDefault() {
        assertEquals(5_000, GstThread.scaled(5_000));
    }

    @Test
    void theScalePropertyMultipliesTimeouts() {
        System.setProperty(GstThread.TIMEOUT_SCALE_PROPERTY, "8");
        assertEquals(40_000, GstThread.scaled(5_000));
    }

    @Test
    void aScaleBelowOneOrNotANumberLeavesTimeoutsAlone() {
        System.setProperty(GstThread.TIMEOUT_SCALE_PROPERTY, "0");
        assertEquals(5_000, GstThread.scaled(5_000));
        System.setProperty(GstThread.TIMEOUT_SCALE_PROPERTY, "ten");
        assertEquals(5_000, GstThread.scaled(5_000));
    }
}
