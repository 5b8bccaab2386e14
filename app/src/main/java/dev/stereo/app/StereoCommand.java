package dev.stereo.app;

import dev.stereo.app.config.ConfigWatcher;
import dev.stereo.app.control.Appliance;
import dev.stereo.app.control.RestartablePipeline;
import dev.stereo.app.reclaim.ReclaimCommand;
import dev.stereo.app.reclaim.ReclaimOnStart;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.StereoException;
import dev.stereo.app.metrics.ApplianceMetrics;
import dev.stereo.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.CountDownLatch;

/**
 * {@code stereo [options]}: serves the stereo stream over HTTPS until stopped (SIGTERM/Ctrl-C).
 */
@Command(name = "stereo", mixinStandardHelpOptions = true, version = "stereo 0.1.0",
        sortOptions = false,
        description = {
            "Streams two cameras (or the built-in test source) as a low-latency stereo WebRTC source "
                    + "for a Meta Quest: open https://<host>:<port>/ in the headset and press Enter VR.",
            "Without a subcommand it serves; see also 'check', 'pipeline --print' and 'reclaim'."},
        subcommands = {CheckCommand.class, PipelineCommand.class, ReclaimCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the appliance could not start or stopped on an error",
            "2:bad usage or an invalid configuration file (nothing was started)"})
public final class StereoCommand implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StereoCommand.class);
    private static volatile boolean serving;

    @Mixin
    SharedOptions options;

    /** True once serve has started: main must then not exit when the command returns. */
    static boolean servingForever() {
        return serving;
    }

    @Override
    public void run() {
        StereoConfig config = options.loadConfig();
        ReclaimOnStart.run(config);
        Wiring.initGStreamer();
        RestartablePipeline pipeline = Wiring.restartablePipeline(options.pipeline, config);
        WebServer web = new WebServer(Wiring.webSettings(config), pipeline,
                ApplianceMetrics.create(config.appliance().thermal().sensor()));
        Appliance appliance = Wiring.appliance(config, pipeline, web);
        web.liveStream(appliance.liveStream());
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<ConfigWatcher> watcher = new java.util.concurrent.atomic.AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            ConfigWatcher w = watcher.get();
            if (w != null) {
                w.close();
            }
            appliance.close();
            web.close();
            pipeline.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            pipeline.start();
            web.start();
        } catch (StereoException | RuntimeException e) {
            appliance.close();
            web.close();
            pipeline.close();
            throw new IllegalStateException(e.getMessage(), e);
        }
        serving = true;
        var status = pipeline.status();
        var left = status.eyes().get("left");
        LOG.info("serving {} on https://{}:{}/ ({} {}x{}@{}, encoder {}, source {})", pipeline.name(),
                Wiring.displayHost(config.server().bind()), web.httpsPort(), status.layout(), left.width(),
                left.height(), left.fps(), left.encoder(), left.source());
        appliance.start("serving " + pipeline.name() + " on port " + web.httpsPort());
        watcher.set(Wiring.watchConfig(options, config, pipeline, appliance, web));
    }
}
