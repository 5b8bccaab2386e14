package dev.stereo.app;

import dev.stereo.app.config.ConfigReloader;
import dev.stereo.app.config.ConfigWatcher;
import dev.stereo.app.control.Appliance;
import dev.stereo.app.control.PipelineControl;
import dev.stereo.app.control.RestartablePipeline;
import dev.stereo.app.control.StreamControl;
import dev.stereo.app.hardware.Hardware;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.Eye;
import dev.stereo.core.StereoException;
import dev.stereo.core.StereoPipeline;
import dev.stereo.core.gst.GstRuntime;
import dev.stereo.dualtrack.DualTrackPipeline;
import dev.stereo.gst.GraphPipeline;
import dev.stereo.web.WebServer;
import dev.stereo.web.WebSettings;
import org.freedesktop.gstreamer.Gst;

import java.util.ArrayList;
import java.util.List;

/** The one place that picks concrete implementations and connects them. */
final class Wiring {

    private Wiring() {}

    /** Initialises GStreamer once per process (every command that touches media calls this). */
    static synchronized void initGStreamer() {
        if (!Gst.isInitialized()) {
            try {
                GstRuntime.init("stereo"); // with segtrap off: see GstRuntime
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new IllegalStateException("GStreamer could not be loaded (" + e.getMessage()
                        + "). Install it: apt-get install gstreamer1.0-tools gstreamer1.0-plugins-base "
                        + "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly "
                        + "gstreamer1.0-nice", e);
            }
        }
    }

    /** The pipeline named on the command line, for a config whose sources are resolved. */
    static StereoPipeline pipeline(String name, StereoConfig config) {
        if (name.equals("option3")) {
            for (Eye eye : Eye.values()) {
                if (config.camera(eye).externalEncoder() != null) {
                    // option3 encodes inside its GStreamer graph; nothing there runs the process.
                    throw new Main.UsageError("cameras." + eye.key() + ".external_encoder is set"
                            + (config.file() == null ? "" : " in " + config.file())
                            + ": external_encoder needs --pipeline=option2");
                }
            }
        }
        StereoConfig resolved = SourceResolver.resolve(config);
        return switch (name) {
            case "option3" -> new GraphPipeline(resolved);
            case "option2" -> new DualTrackPipeline(resolved); // external_encoder keys: DualTrackOptions.from
            default -> throw new Main.UsageError("--pipeline must be option3 or option2, not \"" + name + "\"");
        };
    }

    /** The pipeline for serve: restartable in place (button long press, layout toggle). */
    static RestartablePipeline restartablePipeline(String name, StereoConfig config) {
        return new RestartablePipeline(config, c -> pipeline(name, c));
    }

    /**
     * What thermal protection, the button and POST /api/stream act through: bitrate per eye
     * ({@link StereoPipeline#setBitrate}), frame rate when it differs from the running one
     * ({@link StereoPipeline#setFrameRate}) and keyframes. What the pipeline refuses comes back as
     * an UnsupportedOperationException naming every reason (thermal status "applied": false, 409).
     */
    static StreamControl streamControl(RestartablePipeline pipeline) {
        return new PipelineControl(pipeline,
                (p, targets) -> {
                    // Each eye separately: one that cannot change (an external encoder) must not
                    // keep the other from cooling down.
                    List<String> failures = new ArrayList<>();
                    for (Eye eye : Eye.values()) {
                        try {
                            p.setBitrate(eye, eye == Eye.LEFT ? targets.leftMbps() : targets.rightMbps());
                        } catch (StereoException e) {
                            failures.add(e.getMessage());
                        }
                    }
                    var left = p.status().eyes().get(Eye.LEFT.key());
                    if (left != null && targets.fps() != left.fps()) {
                        try {
                            p.setFrameRate(targets.fps());
                        } catch (StereoException e) {
                            failures.add(e.getMessage());
                        }
                    }
                    if (!failures.isEmpty()) {
                        throw new UnsupportedOperationException(String.join("; ", failures));
                    }
                },
                p -> {
                    try {
                        p.requestKeyframe();
                    } catch (StereoException e) {
                        throw new UnsupportedOperationException(e.getMessage(), e);
                    }
                });
    }

    /** Status LED, button, thermal protection and systemd notifications for serve. */
    static Appliance appliance(StereoConfig config, RestartablePipeline pipeline, WebServer web) {
        return Appliance.create(config, pipeline, streamControl(pipeline), Hardware::gpiodContext, System.getenv(),
                web::addStatusSection);
    }

    /**
     * Hot reload of the configuration file the appliance started from: watched, re-validated,
     * geometry and stream targets applied live, the result shown as "config" in /api/status.
     *
     * @return the started watcher (the caller closes it first on shutdown), or null when the
     *         appliance runs on built-in defaults or the directory cannot be watched
     */
    static ConfigWatcher watchConfig(SharedOptions options, StereoConfig config, RestartablePipeline pipeline,
                                     Appliance appliance, WebServer web) {
        if (config.file() == null) {
            return null;
        }
        ConfigReloader reloader = new ConfigReloader(config.file(), options::reload, config, pipeline,
                appliance.liveStream(), System::currentTimeMillis);
        web.addStatusSection("config", reloader::status);
        ConfigWatcher watcher = new ConfigWatcher(config.file(), 300, reloader::reload);
        try {
            watcher.start();
            return watcher;
        } catch (java.io.IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Wiring.class).warn("cannot watch {} ({}): edits apply only after a restart",
                    config.file(), e.toString());
            watcher.close();
            return null;
        }
    }

    static WebSettings webSettings(StereoConfig config) {
        var s = config.server();
        return new WebSettings(s.bind(), s.port(), s.httpPort(), s.tlsCert(), s.tlsKey(), s.stateDir(), s.token(),
                s.maxViewers(), null);
    }

    static String displayHost(String bind) {
        if (bind == null || bind.equals("0.0.0.0") || bind.equals("::")) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "localhost";
            }
        }
        return bind;
    }
}
