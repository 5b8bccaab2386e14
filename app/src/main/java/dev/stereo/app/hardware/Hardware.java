package dev.stereo.app.hardware;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import dev.stereo.app.control.StreamControl;
import dev.stereo.calibration.StereoConfig.ButtonAction;
import dev.stereo.calibration.StereoConfig.GpioConfig;
import dev.stereo.core.PipelineStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The optional status LED and button, through Pi4J. Opened only when a pin is configured; any
 * failure (not a Pi, no /dev/gpiochip*, the line busy, no permission) is a logged warning that
 * also shows in {@code /api/status} under "hardware", never a crash: the stream matters more than
 * the LED.
 *
 * <p>Lifecycle: {@link #open} claims the lines, {@link #start} begins blinking, {@link #close}
 * darkens the LED and releases everything. Thread-safe.
 */
public final class Hardware implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Hardware.class);
    private static final String PI4J_LOG_LEVEL = "org.slf4j.simpleLogger.log.com.pi4j";

    private final Context context;
    private final StatusLed led;
    private final ButtonHandler button;
    private final List<String> warnings;
    private final ExecutorService actions;
    private ScheduledExecutorService ticker;   // guarded by this

    private Hardware(Context context, StatusLed led, ButtonHandler button, List<String> warnings,
                     ExecutorService actions) {
        this.context = context;
        this.led = led;
        this.button = button;
        this.warnings = List.copyOf(warnings);
        this.actions = actions;
    }

    /** The real GPIO of a Pi 4 or Pi 5 through libgpiod. */
    public static Context gpiodContext() {
        return Pi4J.newContextBuilder().noAutoDetect()
                .add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance())
                .build();
    }

    /**
     * Claims the configured LED and button lines. Never throws: whatever fails is left out and
     * reported as a warning.
     *
     * @param contexts makes the Pi4J context ({@link #gpiodContext()} on the Pi, the mock in tests)
     * @param status the pipeline's status, read by the LED every tick
     * @param control what the button does
     */
    public static Hardware open(GpioConfig config, Supplier<Context> contexts, Supplier<PipelineStatus> status,
                                StreamControl control, LongSupplier clockMillis) {
        List<String> warnings = new ArrayList<>();
        if (!config.any()) {
            return new Hardware(null, null, null, warnings, null);
        }
        // Pi4J logs its whole start-up at info; keep the appliance log about the appliance.
        if (System.getProperty(PI4J_LOG_LEVEL) == null) {
            System.setProperty(PI4J_LOG_LEVEL, "warn");
        }
        Context context;
        try {
            context = contexts.get();
        } catch (RuntimeException | LinkageError e) {
            warn(warnings, "GPIO unavailable (" + e + "): no status LED, no button");
            return new Hardware(null, null, null, warnings, null);
        }
        StatusLed led = null;
        if (config.ledPin() != null) {
            try {
                DigitalOutput out = context.dout().create(DigitalOutput.newConfigBuilder(context)
                        .id("stereo-led").name("stereo status LED").address(config.ledPin())
                        .initial(config.ledActiveLow() ? DigitalState.HIGH : DigitalState.LOW)
                        .shutdown(config.ledActiveLow() ? DigitalState.HIGH : DigitalState.LOW)
                        .build());
                led = new StatusLed(out, config.ledPin(), config.ledActiveLow(), status, clockMillis);
            } catch (RuntimeException | LinkageError e) {
                warn(warnings, "status LED on GPIO " + config.ledPin() + " unavailable: " + e);
            }
        }
        ButtonHandler button = null;
        ExecutorService actions = null;
        if (config.buttonPin() != null) {
            try {
                DigitalInput in = context.din().create(DigitalInput.newConfigBuilder(context)
                        .id("stereo-button").name("stereo button").address(config.buttonPin())
                        .pull(config.buttonActiveLow() ? PullResistance.PULL_UP : PullResistance.PULL_DOWN)
                        .debounce(10L, TimeUnit.MILLISECONDS)
                        .build());
                actions = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "button-action");
                    t.setDaemon(true);
                    return t;
                });
                button = new ButtonHandler(config.buttonPin(), config.buttonActiveLow(), config.longPressMs(),
                        shortAction(config.shortPress(), control),
                        new ButtonHandler.Action("restart pipeline", control::restart), actions, clockMillis);
                in.addListener(button);
            } catch (RuntimeException | LinkageError e) {
                warn(warnings, "button on GPIO " + config.buttonPin() + " unavailable: " + e);
                if (actions != null) {
                    actions.shutdownNow();
                    actions = null;
                }
            }
        }
        if (led == null && button == null) {
            shutdownQuietly(context);
            context = null;
        }
        return new Hardware(context, led, button, warnings, actions);
    }

    static ButtonHandler.Action shortAction(ButtonAction action, StreamControl control) {
        return action == ButtonAction.LAYOUT
                ? new ButtonHandler.Action("toggle layout", control::toggleLayout)
                : new ButtonHandler.Action("keyframe", control::requestKeyframe);
    }

    /** Starts blinking. */
    public synchronized void start() {
        if (led == null || ticker != null) {
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-led");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            try {
                led.tick();
            } catch (RuntimeException e) {
                LOG.debug("status LED tick failed", e);
            }
        }, 0, StatusLed.TICK_MS, TimeUnit.MILLISECONDS);
    }

    public StatusLed led() {
        return led;
    }

    public ButtonHandler button() {
        return button;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** The "hardware" section of /api/status. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (led != null) {
            m.put("led", Map.of("pin", led.pin(), "pattern", led.pattern().name().toLowerCase()));
        }
        if (button != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("pin", button.pin());
            b.put("presses", button.presses());
            b.put("last_action", button.lastAction());
            b.put("last_result", button.lastResult());
            m.put("button", b);
        }
        m.put("warnings", warnings);
        return m;
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ticker = null;
        }
        if (led != null) {
            try {
                led.off();
            } catch (RuntimeException e) {
                LOG.debug("could not switch the LED off", e);
            }
        }
        if (actions != null) {
            actions.shutdownNow();
        }
        if (context != null) {
            shutdownQuietly(context);
        }
    }

    private static void shutdownQuietly(Context context) {
        try {
            context.shutdown();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Pi4J shutdown failed", e);
        }
    }

    private static void warn(List<String> warnings, String message) {
        warnings.add(message);
        LOG.warn("{}", message);
    }
}
