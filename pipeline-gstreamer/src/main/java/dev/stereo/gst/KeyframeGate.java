package dev.stereo.gst;

import java.util.function.LongSupplier;

/**
 * Rate-limits keyframe requests per eye: browsers send a PLI per lost frame and every join asks
 * for an IDR, but an IDR costs several P-frames of bandwidth. At most one request passes per
 * {@code minIntervalNanos}; a request inside the window is deferred to the window's end, never
 * lost, so a joining viewer always gets an IDR after it is linked. Thread-safe.
 */
public final class KeyframeGate {

    private final long minIntervalNanos;
    private final LongSupplier nanoClock;
    private long lastSent = Long.MIN_VALUE / 2;
    private boolean deferred;

    public KeyframeGate(long minIntervalNanos, LongSupplier nanoClock) {
        this.minIntervalNanos = minIntervalNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * Registers a request.
     * @return 0 to send now; otherwise the delay in nanos after which {@link #fireDeferred()}
     *     should be called, or -1 when a deferred request is already pending
     */
    public synchronized long request() {
        long now = nanoClock.getAsLong();
        long wait = lastSent + minIntervalNanos - now;
        if (wait <= 0) {
            lastSent = now;
            return 0;
        }
        if (deferred) {
            return -1;
        }
        deferred = true;
        return wait;
    }

    /** The deferred request's time has come: returns true when it should be sent now. */
    public synchronized boolean fireDeferred() {
        if (!deferred) {
            return false;
        }
        deferred = false;
        lastSent = nanoClock.getAsLong();
        return true;
    }
}
