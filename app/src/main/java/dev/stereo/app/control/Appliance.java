package dev.stereo.app.control;

import com.pi4j.context.Context;
import dev.stereo.app.hardware.Hardware;
import dev.stereo.app.systemd.ServiceNotifier;
import dev.stereo.app.thermal.ThermalGovernor;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoPipeline;

import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Everything around the stream while serving: status LED and button, thermal protection, and the
 * systemd notifications (READY, watchdog, STATUS). Adds the "thermal" and "hardware" sections to
 * {@code /api/status}.
 *
 * <p>Lifecycle: {@link #create} opens the GPIO lines (missing hardware is a warning);
 * {@link #start} once the pipeline and web server are up (blinking, polling, READY=1);
 * {@link #close} first on shutdown (STOPPING=1, LED dark, lines released). Thread-safe.
 */
public final class Appliance implements AutoCloseable {

    private final StereoPipeline pipeline;
    private final Hardware hardware;
    private final ThermalGovernor thermal;
    private final ServiceNotifier notifier;
    private final LiveStreamTargets liveStream;

    private Appliance(StereoPipeline pipeline, Hardware hardware, ThermalGovernor thermal, Map<String, String> env) {
        this.pipeline = pipeline;
        this.hardware = hardware;
        this.thermal = thermal;
        this.notifier = new ServiceNotifier(env, this::health);
        this.liveStream = new LiveStreamTargets(thermal);
    }

    /**
     * @param pipeline      what the LED and the watchdog watch
     * @param control       what the button and thermal protection act through
     * @param gpio          makes the Pi4J context, asked only when a pin is configured
     * @param env           the environment ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC})
     * @param statusSection where to register status sections ({@code WebServer::addStatusSection})
     */
    public static Appliance create(StereoConfig config, StereoPipeline pipeline, StreamControl control,
                                   Supplier<Context> gpio, Map<String, String> env,
                                   BiConsumer<String, Supplier<?>> statusSection) {
        Hardware hardware = Hardware.open(config.appliance().gpio(), gpio, pipeline::status, control,
                System::currentTimeMillis);
        EncoderTargets base = new EncoderTargets(config.left().bitrateMbps(), config.right().bitrateMbps(),
                config.stream().fps());
        ThermalGovernor thermal = new ThermalGovernor(config.appliance().thermal(), base, control,
                () -> System.nanoTime() / 1_000_000);
        Appliance a = new Appliance(pipeline, hardware, thermal, env);
        statusSection.accept("thermal", thermal::status);
        statusSection.accept("hardware", hardware::status);
        return a;
    }

    public Hardware hardware() {
        return hardware;
    }

    public ThermalGovernor thermal() {
        return thermal;
    }

    /** {@code POST /api/stream}: sets the targets thermal protection steps down from. */
    public LiveStreamTargets liveStream() {
        return liveStream;
    }

    public ServiceNotifier notifier() {
        return notifier;
    }

    /** Serving: LED, thermal polling, and READY=1 with this status line. */
    public void start(String status) {
        hardware.start();
        thermal.start();
        notifier.ready(status);
    }

    /** Healthy unless the pipeline reports "error"; the status line names state, viewers and temperature. */
    ServiceNotifier.Health health() {
        PipelineStatus s = pipeline.status();
        Double t = thermal.temperature();
        String line = s.pipeline() + " " + s.state() + ", " + s.viewers() + " viewer" + (s.viewers() == 1 ? "" : "s")
                + (t == null ? "" : String.format(Locale.ROOT, ", %.1f °C", t))
                + (thermal.status().level() > 0 ? ", thermal step " + thermal.status().level() : "");
        return "error".equals(s.state())
                ? new ServiceNotifier.Health("pipeline " + s.pipeline() + " is in state error", line)
                : ServiceNotifier.Health.ok(line);
    }

    @Override
    public void close() {
        notifier.close();
        thermal.close();
        hardware.close();
    }
}
