package dev.stereo.app.hardware;

import dev.stereo.core.PipelineStatus;

/**
 * What the status LED shows: off = stopped, slow blink = running with no viewer, on = streaming to
 * at least one viewer, fast blink = error. Starting counts as "no viewer yet".
 */
public enum LedPattern {
    OFF(0),
    /** 1 Hz: 500 ms on, 500 ms off. */
    SLOW_BLINK(500),
    ON(0),
    /** 5 Hz: 100 ms on, 100 ms off: hard to miss. */
    FAST_BLINK(100);

    private final long halfPeriodMs;

    LedPattern(long halfPeriodMs) {
        this.halfPeriodMs = halfPeriodMs;
    }

    public static LedPattern of(PipelineStatus status) {
        if (status == null) {
            return OFF;
        }
        return switch (status.state()) {
            case "error" -> FAST_BLINK;
            case "running" -> status.viewers() > 0 ? ON : SLOW_BLINK;
            case "starting" -> SLOW_BLINK;
            default -> OFF;
        };
    }

    /** Whether the LED is lit at this moment (milliseconds on any monotonic clock). */
    public boolean litAt(long millis) {
        return switch (this) {
            case OFF -> false;
            case ON -> true;
            default -> Math.floorMod(millis, 2 * halfPeriodMs) < halfPeriodMs;
        };
    }
}
