package dev.stereo.dualtrack;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyframeRequestsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final KeyframeRequests k = new KeyframeRequests(250_000_000L, now::get);

    @Test
    void firstRequestIsServedAtTheNextFrame() {
        assertFalse(k.takeForce());
        k.request();
        assertTrue(k.takeForce());
        assertFalse(k.takeForce(), "consumed");
    }

    @Test
    void requestsInsideTheWindowWaitAndAreNotLost() {
        k.request();
        assertTrue(k.takeForce());
        now.addAndGet(100_000_000L);
        for (int i = 0; i < 20; i++) {
            k.request(); // a burst of PLIs from several viewers
        }
        assertFalse(k.takeForce());
        now.addAndGet(149_000_000L);
        assertFalse(k.takeForce());
        now.addAndGet(1_000_000L);
        assertTrue(k.takeForce(), "served once the window is over");
        assertFalse(k.takeForce(), "the whole burst costs one IDR");
        assertEquals(21, k.requests());
        assertEquals(2, k.forced());
    }

    @Test
    void aNaturalIdrServesPendingRequests() {
        k.request();
        k.keyframeProduced();
        assertFalse(k.isPending());
        assertFalse(k.takeForce());
        k.request();
        now.addAndGet(10_000_000L);
        assertFalse(k.takeForce(), "the GOP's IDR also counts for the rate limit");
        now.addAndGet(250_000_000L);
        assertTrue(k.takeForce());
    }
}
