package dev.stereo.app.hardware;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import dev.stereo.core.PipelineStatus;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Drives the status LED from the pipeline's state: each {@link #tick()} reads the status (cheap,
 * never blocks) and sets the pin for the current pattern and time. Ticked every
 * {@link #TICK_MS} ms by {@link Hardware}; tests tick it with their own clock.
 */
public final class StatusLed {

    /** Fast enough for the 100 ms fast blink. */
    public static final long TICK_MS = 50;

    private final DigitalOutput out;
    private final int pin;
    private final boolean activeLow;
    private final Supplier<PipelineStatus> status;
    private final LongSupplier clockMillis;
    private volatile LedPattern pattern = LedPattern.OFF;

    public StatusLed(DigitalOutput out, int pin, boolean activeLow, Supplier<PipelineStatus> status,
                     LongSupplier clockMillis) {
        this.out = out;
        this.pin = pin;
        this.activeLow = activeLow;
        this.status = status;
        this.clockMillis = clockMillis;
    }

    public void tick() {
        LedPattern p;
        try {
            p = LedPattern.of(status.get());
        } catch (RuntimeException e) {
            p = LedPattern.FAST_BLINK;
        }
        pattern = p;
        set(p.litAt(clockMillis.getAsLong()));
    }

    /** Lights or darkens the LED, honouring active-low wiring. */
    void set(boolean lit) {
        out.state(lit != activeLow ? DigitalState.HIGH : DigitalState.LOW);
    }

    /** Stopped: dark. */
    public void off() {
        pattern = LedPattern.OFF;
        set(false);
    }

    public LedPattern pattern() {
        return pattern;
    }

    public int pin() {
        return pin;
    }
}
