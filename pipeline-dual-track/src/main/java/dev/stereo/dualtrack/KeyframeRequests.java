package dev.stereo.dualtrack;

import dev.stereo.core.metrics.MediaObserver;
import java.util.function.LongSupplier;

/**
 * Keyframe requests for one eye's encoder, rate-limited. Viewers joining, PLI/FIR from any
 * viewer (force-key-unit events) and viewers recovering from a stall all call
 * {@link #request()}; the encoder thread asks {@link #takeForce()} before each frame.
 *
 * <p>At most one forced IDR per {@code minIntervalNanos}: browsers send a PLI per lost frame and
 * an IDR costs several P-frames of bandwidth. A request inside the window is not lost: it stays
 * pending and is served at the first frame after the window, or by the next natural IDR.
 *
 * <p>Thread-safe: {@link #request()} from any thread; {@link #takeForce()} and
 * {@link #keyframeProduced()} from the encoder thread.
 */
public final class KeyframeRequests {

    private final long minIntervalNanos;
    private final LongSupplier nanoClock;
    private boolean pending;
    private long lastIdr;
    private boolean anyIdr;
    private long requests;
    private long forced;
    private String pendingReason; // why the pending request was made (the first reason wins)
    private String forcedReason;  // the reason of the IDR being forced now, until it is produced

    /**
     * @param minIntervalNanos least time between two forced IDRs
     * @param nanoClock monotonic clock ({@link System#nanoTime} outside tests)
     */
    public KeyframeRequests(long minIntervalNanos, LongSupplier nanoClock) {
        this.minIntervalNanos = minIntervalNanos;
        this.nanoClock = nanoClock;
    }

    /** Asks for an IDR as soon as the rate limit allows, for the operator ("manual"). Never blocks; any thread. */
    public void request() {
        requestFor(MediaObserver.KEYFRAME_MANUAL);
    }

    /**
     * Asks for an IDR as soon as the rate limit allows; {@code reason} (a MediaObserver KEYFRAME_
     * constant) is what {@link #keyframeProduced()} reports for the IDR that serves it. Any thread.
     */
    public synchronized void requestFor(String reason) {
        if (!pending) {
            pendingReason = reason;
        }
        pending = true;
        requests++;
    }

    /**
     * Encoder thread, before each frame: whether to force this frame to be an IDR. Consumes the
     * pending request when it returns true.
     */
    public synchronized boolean takeForce() {
        if (!pending) {
            return false;
        }
        long now = nanoClock.getAsLong();
        if (anyIdr && now - lastIdr < minIntervalNanos) {
            return false;
        }
        pending = false;
        anyIdr = true;
        lastIdr = now;
        forced++;
        forcedReason = pendingReason;
        pendingReason = null;
        return true;
    }

    /**
     * Encoder thread, before publishing an IDR (forced or by its GOP): it serves every request
     * made so far (a requester subscribed before asking, so it gets this IDR), and it starts the
     * rate-limit window.
     *
     * @return why this IDR was made: the reason of the request that forced it, or "interval"
     *     when the encoder made it on its own (GOP, first frame)
     */
    public synchronized String keyframeProduced() {
        String reason = forcedReason != null ? forcedReason : MediaObserver.KEYFRAME_INTERVAL;
        forcedReason = null;
        pendingReason = null;
        pending = false;
        anyIdr = true;
        lastIdr = nanoClock.getAsLong();
        return reason;
    }

    public synchronized boolean isPending() {
        return pending;
    }

    /** Requests received so far. */
    public synchronized long requests() {
        return requests;
    }

    /** IDRs forced so far. */
    public synchronized long forced() {
        return forced;
    }
}
