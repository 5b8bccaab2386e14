package dev.stereo.web;

/**
 * A rate per second over the last few whole seconds, from counts added as they happen: the
 * "measured" bitrate of an encoder (bytes) or its frame rate (frames), independent of how often
 * anyone asks. Pure (the clock is passed in) and thread-safe.
 */
final class RateWindow {

    private final int windowSeconds;
    private final long[] counts;
    private final long[] second; // which absolute second each slot holds
    private final long originNanos;

    /** @param windowSeconds complete seconds averaged over (the current, partial one is not counted) */
    RateWindow(int windowSeconds, long originNanos) {
        if (windowSeconds < 1) {
            throw new IllegalArgumentException("windowSeconds must be >= 1, got " + windowSeconds);
        }
        this.windowSeconds = windowSeconds;
        this.counts = new long[windowSeconds + 1];
        this.second = new long[windowSeconds + 1];
        java.util.Arrays.fill(second, -1);
        this.originNanos = originNanos;
    }

    synchronized void add(long count, long nowNanos) {
        long s = secondOf(nowNanos);
        int slot = (int) (s % counts.length);
        if (second[slot] != s) {
            second[slot] = s;
            counts[slot] = 0;
        }
        counts[slot] += count;
    }

    /** Mean count per second over the last {@code windowSeconds} complete seconds (fewer right after start). */
    synchronized double perSecond(long nowNanos) {
        long current = secondOf(nowNanos);
        long seconds = Math.min(windowSeconds, current); // the first seconds of a run: average over what exists
        if (seconds <= 0) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (second[i] >= current - seconds && second[i] < current) {
                sum += counts[i];
            }
        }
        return (double) sum / seconds;
    }

    private long secondOf(long nowNanos) {
        return Math.max(0, (nowNanos - originNanos) / 1_000_000_000L);
    }
}
