package dev.stereo.app.thermal;

import dev.stereo.app.control.EncoderTargets;
import dev.stereo.app.control.StreamControl;
import dev.stereo.calibration.StereoConfig.ThermalConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Thermal protection: on every {@link #poll()} reads the SoC temperature and moves one step along
 * the {@link ThrottleLadder} when needed: down at or above {@code throttle_c}, up at or below
 * {@code resume_c}, never more often than {@code step_interval_s}; between the two thresholds it
 * holds (hysteresis), so the stream does not oscillate around one temperature.
 *
 * <p>The steps are applied through {@link StreamControl#setEncoderTargets}. A pipeline that cannot
 * change them live yet is reported in the status ({@code applied: false} and why) rather than
 * restarted under its viewers.
 *
 * <p>Polled every {@code poll_interval_s} on its own daemon thread after {@link #start()}; tests
 * call {@link #poll()} with their own clock. {@link #status()} is cheap and thread-safe.
 */
public final class ThermalGovernor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ThermalGovernor.class);

    private final ThermalConfig config;
    private final ThermalSensor sensor;
    private ThrottleLadder ladder;          // guarded by this; rebuilt by setBase
    /** Held while targets go to the pipeline, so two appliers (poll, setBase) never interleave. */
    private final Object applying = new Object();
    private final StreamControl control;
    private final LongSupplier clockMillis;

    private int level;                      // guarded by this
    private long lastStepAt = Long.MIN_VALUE / 2; // guarded by this
    private Double temperature;             // guarded by this
    private String sensorError;             // guarded by this
    private boolean applied = true;         // guarded by this
    private String applyDetail;             // guarded by this
    private long stepsDown;                 // guarded by this
    private long stepsUp;                   // guarded by this
    private ScheduledExecutorService timer; // guarded by this

    public ThermalGovernor(ThermalConfig config, EncoderTargets base, StreamControl control, LongSupplier clockMillis) {
        this.config = config;
        this.sensor = new ThermalSensor(config.sensor());
        this.ladder = new ThrottleLadder(base, config.minBitrateMbps(), config.minFps());
        this.control = control;
        this.clockMillis = clockMillis;
    }

    public synchronized ThrottleLadder ladder() {
        return ladder;
    }

    /** The targets thermal protection steps down from (step 0): the YAML's, or the last {@link #setBase}. */
    public synchronized EncoderTargets base() {
        return ladder.at(0);
    }

    /**
     * New targets to step down from, set by the user ({@code POST /api/stream}, a reloaded YAML):
     * the ladder is rebuilt from them and the current step is kept (clamped to the new ladder's
     * depth), so a hot appliance stays throttled relative to the new base. The resulting targets
     * are applied at once through {@link StreamControl#setEncoderTargets}. Any thread.
     *
     * @return the targets applied (the base itself when not throttled)
     * @throws UnsupportedOperationException when the pipeline cannot take them live; the previous
     *         base is restored (and re-applied) first, so a refused change leaves nothing changed
     */
    public EncoderTargets setBase(EncoderTargets base) {
        synchronized (applying) {
            return setBaseLocked(base);
        }
    }

    private synchronized EncoderTargets current() {
        return ladder.at(level);
    }

    private EncoderTargets setBaseLocked(EncoderTargets base) {
        ThrottleLadder previous;
        EncoderTargets now;
        synchronized (this) {
            previous = ladder;
            ladder = new ThrottleLadder(base, config.minBitrateMbps(), config.minFps());
            level = Math.min(level, ladder.maxLevel());
            now = ladder.at(level);
        }
        try {
            control.setEncoderTargets(now);
        } catch (UnsupportedOperationException e) {
            EncoderTargets restored;
            synchronized (this) {
                ladder = previous;
                level = Math.min(level, ladder.maxLevel());
                restored = ladder.at(level);
            }
            try {
                control.setEncoderTargets(restored); // an eye that did change goes back
            } catch (UnsupportedOperationException again) {
                LOG.debug("restoring the previous targets: {}", again.getMessage());
            }
            throw e;
        }
        synchronized (this) {
            applied = true;
            applyDetail = null;
        }
        return now;
    }

    /** Reads the sensor once and steps if needed. */
    public void poll() {
        double celsius;
        try {
            celsius = sensor.readCelsius();
        } catch (IOException e) {
            synchronized (this) {
                if (sensorError == null) {
                    LOG.warn("thermal protection: cannot read the temperature from {}: {}; holding the current step",
                            sensor.file(), e.getMessage());
                }
                sensorError = e.getMessage() == null ? e.toString() : e.getMessage();
                temperature = null;
            }
            return;
        }
        EncoderTargets apply = null;
        String direction = null;
        synchronized (this) {
            if (sensorError != null) {
                LOG.info("thermal protection: reading {} again", sensor.file());
                sensorError = null;
            }
            temperature = celsius;
            long now = clockMillis.getAsLong();
            boolean mayStep = config.enabled() && now - lastStepAt >= Math.round(config.stepIntervalS() * 1000);
            if (mayStep && celsius >= config.throttleC() && level < ladder.maxLevel()) {
                level++;
                stepsDown++;
                direction = "down";
            } else if (mayStep && celsius <= config.resumeC() && level > 0) {
                level--;
                stepsUp++;
                direction = "up";
            }
            if (direction != null) {
                lastStepAt = now;
                apply = ladder.at(level);
            }
        }
        if (apply != null) {
            LOG.info("thermal protection: {} °C, stepping {} to step {}/{}: {} + {} Mbit/s at {} fps", celsius, direction,
                    levelNow(), ladder().maxLevel(), apply.leftMbps(), apply.rightMbps(), apply.fps());
            apply();
        }
    }

    private synchronized int levelNow() {
        return level;
    }

    /** Applies the current step; serialised with {@link #setBase} so an older target never lands last. */
    private void apply() {
        boolean ok;
        String detail;
        try {
            synchronized (applying) {
                control.setEncoderTargets(current());
            }
            ok = true;
            detail = null;
        } catch (UnsupportedOperationException e) {
            ok = false;
            detail = e.getMessage();
        } catch (RuntimeException e) {
            ok = false;
            detail = "failed: " + e;
        }
        synchronized (this) {
            if (!ok && applied) {
                LOG.warn("thermal protection: the pipeline did not take the new encoder targets: {}", detail);
            }
            applied = ok;
            applyDetail = detail;
        }
    }

    /** Starts polling on a daemon thread. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "thermal");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, Math.round(config.pollIntervalS() * 1000));
        timer.scheduleAtFixedRate(() -> {
            try {
                poll();
            } catch (RuntimeException e) {
                LOG.warn("thermal poll failed", e);
            }
        }, 0, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /**
     * The "thermal" section of /api/status.
     *
     * @param temperatureC last reading, null when the sensor cannot be read
     * @param state "normal", "throttled", "disabled" or "sensor_error"
     * @param level current step, 0 = as configured
     * @param targetBitrateMbps target per eye now ("left", "right")
     * @param targetFps target frame rate now
     * @param applied whether the pipeline took the current targets (false: it cannot change them live)
     * @param detail why not, or the sensor error
     */
    public record Status(Double temperatureC, String state, int level, int maxLevel, double throttleC, double resumeC,
                         Map<String, Double> targetBitrateMbps, int targetFps, boolean applied, String detail, String sensor,
                         long stepsDown, long stepsUp) {}

    public synchronized Status status() {
        EncoderTargets t = ladder.at(level);
        String state = sensorError != null ? "sensor_error" : !config.enabled() ? "disabled"
                : level > 0 ? "throttled" : "normal";
        return new Status(temperature, state, level, ladder.maxLevel(), config.throttleC(), config.resumeC(),
                eyes(t), t.fps(), applied,
                sensorError != null ? sensorError : applyDetail, sensor.file().toString(), stepsDown, stepsUp);
    }

    private static Map<String, Double> eyes(EncoderTargets t) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("left", t.leftMbps());
        m.put("right", t.rightMbps());
        return m;
    }

    /** The temperature for other status lines (systemd STATUS=), or null. */
    public synchronized Double temperature() {
        return temperature;
    }
}
