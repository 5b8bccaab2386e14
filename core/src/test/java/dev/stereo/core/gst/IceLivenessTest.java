package dev.stereo.core.gst;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IceLivenessTest {

    @Test
    void failedOrClosedEndsAtOnce() {
        assertTrue(new IceLiveness(0).check("failed", 1).contains("failed"));
        assertTrue(new IceLiveness(0).check("closed", 1).contains("closed"));
    }

    @Test
    void disconnectedGetsAGracePeriodAndRecoveryResetsIt() {
        IceLiveness l = new IceLiveness(0);
        assertNull(l.check("connected", 100));
        assertNull(l.check("disconnected", 1_000));
        assertNull(l.check("disconnected", 1_000 + IceLiveness.DISCONNECTED_GRACE_MS));
        assertNull(l.check("connected", 7_000));
        assertNull(l.check("disconnected", 8_000));
        assertNotNull(l.check("disconnected", 8_001 + IceLiveness.DISCONNECTED_GRACE_MS));
    }

    @Test
    void neverConnectedTimesOutButAConnectedOneDoesNot() {
        IceLiveness never = new IceLiveness(0);
        assertNull(never.check("checking", IceLiveness.CONNECT_TIMEOUT_MS));
        assertNotNull(never.check("checking", IceLiveness.CONNECT_TIMEOUT_MS + 1));
        IceLiveness once = new IceLiveness(0);
        assertNull(once.check("completed", 10));
        assertNull(once.check("new", IceLiveness.CONNECT_TIMEOUT_MS * 2));
    }
}
