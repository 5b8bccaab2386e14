package dev.stereo.app.hardware;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Turns edges on the button's GPIO into actions: released before {@code longPressMs} is a short
 * press, held at least that long is a long press (acted on at release, so the user decides by
 * letting go). Presses shorter than {@link #BOUNCE_MS} are contact bounce and ignored.
 *
 * <p>Edges arrive on Pi4J's event thread; the actions (which may restart the pipeline and take
 * seconds) run on {@code actions}, one at a time. Thread-safe.
 */
public final class ButtonHandler implements DigitalStateChangeListener {

    private static final Logger LOG = LoggerFactory.getLogger(ButtonHandler.class);
    static final long BOUNCE_MS = 30;

    /** A named action, so the status page can say what the last press did. */
    public record Action(String name, Runnable run) {}

    private final int pin;
    private final boolean activeLow;
    private final long longPressMs;
    private final Action shortPress;
    private final Action longPress;
    private final Executor actions;
    private final LongSupplier clockMillis;

    private long pressedAt = -1;          // guarded by this
    private volatile int presses;
    private volatile String lastAction;
    private volatile String lastResult;

    public ButtonHandler(int pin, boolean activeLow, long longPressMs, Action shortPress, Action longPress,
                         Executor actions, LongSupplier clockMillis) {
        this.pin = pin;
        this.activeLow = activeLow;
        this.longPressMs = longPressMs;
        this.shortPress = shortPress;
        this.longPress = longPress;
        this.actions = actions;
        this.clockMillis = clockMillis;
    }

    @Override
    public void onDigitalStateChange(DigitalStateChangeEvent event) {
        DigitalState s = event.state();
        if (s == DigitalState.UNKNOWN) {
            return;
        }
        boolean down = (s == DigitalState.LOW) == activeLow;
        long now = clockMillis.getAsLong();
        Action action = null;
        synchronized (this) {
            if (down) {
                pressedAt = now;
            } else if (pressedAt >= 0) {
                long held = now - pressedAt;
                pressedAt = -1;
                if (held >= BOUNCE_MS) {
                    action = held >= longPressMs ? longPress : shortPress;
                }
            }
        }
        if (action != null) {
            presses++;
            lastAction = action.name();
            lastResult = "running";
            Action a = action;
            LOG.info("button (GPIO {}): {} press: {}", pin, a == longPress ? "long" : "short", a.name());
            actions.execute(() -> run(a));
        }
    }

    private void run(Action a) {
        try {
            a.run().run();
            lastResult = "done";
        } catch (RuntimeException e) {
            lastResult = "failed: " + e.getMessage();
            LOG.warn("button action {} failed: {}", a.name(), e.getMessage());
        }
    }

    public int pin() {
        return pin;
    }

    public int presses() {
        return presses;
    }

    public String lastAction() {
        return lastAction;
    }

    public String lastResult() {
        return lastResult;
    }
}
