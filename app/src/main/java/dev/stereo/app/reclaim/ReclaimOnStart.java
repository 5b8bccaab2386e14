package dev.stereo.app.reclaim;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.SourceType;
import dev.stereo.camera.reclaim.CameraHolder;
import dev.stereo.camera.reclaim.CameraHolders;
import dev.stereo.camera.reclaim.Reclaimer;
import dev.stereo.camera.reclaim.Reclaimer.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * {@code reclaim_on_start: true}: before serve opens the cameras, stop whatever holds them, as
 * {@code stereo reclaim --kill --yes} would. Problems are logged, never fatal: if a camera stays
 * busy the pipeline reports that itself when it fails to open it.
 */
public final class ReclaimOnStart {

    private static final Logger LOG = LoggerFactory.getLogger(ReclaimOnStart.class);
    static final Duration GRACE = Duration.ofSeconds(5);

    private ReclaimOnStart() {}

    /** Reclaim is asked for and at least one eye may use a real camera. */
    static boolean wanted(StereoConfig config) {
        return config.appliance().reclaimOnStart() && !testOnly(config);
    }

    static String whyNot(StereoConfig config) {
        return !config.appliance().reclaimOnStart() ? "reclaim_on_start is false"
                : "both cameras use the test source";
    }

    private static boolean testOnly(StereoConfig c) {
        return c.left().source() == SourceType.TEST && c.right().source() == SourceType.TEST;
    }

    /** Runs before GStreamer is initialised, so this process holds nothing yet. */
    public static void run(StereoConfig config) {
        if (!wanted(config)) {
            if (config.appliance().reclaimOnStart()) {
                LOG.info("reclaim_on_start: skipped, {}", whyNot(config));
            }
            return;
        }
        run(new CameraHolders(), new Reclaimer(), GRACE);
    }

    static List<Outcome> run(CameraHolders scanner, Reclaimer reclaimer, Duration grace) {
        CameraHolders.Scan scan = scanner.scan();
        if (scan.uninspectable() > 0) {
            LOG.info("reclaim_on_start: {} processes of other users could not be inspected (not root); the service "
                    + "runs 'stereo reclaim --if-configured' as root before starting", scan.uninspectable());
        }
        if (scan.holders().isEmpty()) {
            LOG.info("reclaim_on_start: no process holds a camera");
            return List.of();
        }
        List<Outcome> outcomes = reclaimer.stop(scan.holders(), grace);
        for (Outcome o : outcomes) {
            CameraHolder h = o.holder();
            LOG.warn("reclaim_on_start: PID {} ({}, user {}) holding {}: {} ({})", h.pid(), h.command(), h.user(),
                    h.holds(), o.result().name().toLowerCase(), o.detail());
        }
        return outcomes;
    }
}
