package dev.stereo.app.control;

import dev.stereo.app.thermal.ThermalGovernor;
import dev.stereo.core.StreamLimits;
import dev.stereo.web.LiveStream;
import dev.stereo.web.StreamChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/stream} (and a reloaded YAML's {@code bitrate_mbps}) over the path thermal
 * protection already uses: the request sets the <em>base</em> targets of the
 * {@link ThermalGovernor}, which applies them through {@link StreamControl#setEncoderTargets}.
 * While the appliance is hot, the governor keeps its current step, so the applied targets are the
 * new base stepped down as far as before; when it cools down it steps back up to the new base,
 * never to the YAML's. A pipeline restart (button) re-applies the last targets.
 *
 * <p>Thread-safe: changes are serialised, so two concurrent requests cannot mix their eyes.
 */
public final class LiveStreamTargets implements LiveStream {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreamTargets.class);

    private final ThermalGovernor thermal;

    public LiveStreamTargets(ThermalGovernor thermal) {
        this.thermal = thermal;
    }

    /**
     * The answer of {@code GET/POST /api/stream}.
     *
     * @param base what was asked for (YAML or API): what thermal protection steps down from
     * @param applied what the encoders are asked for now (base, or below it while throttled)
     * @param thermalLevel the thermal step, 0 = not throttled
     * @param limits the allowed ranges (the same the YAML validation uses)
     */
    public record State(Targets base, Targets applied, int thermalLevel, Map<String, Map<String, Number>> limits) {}

    /** @param bitrateMbps per eye, "left" and "right" */
    public record Targets(Map<String, Double> bitrateMbps, int fps) {
        static Targets of(EncoderTargets t) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("left", t.leftMbps());
            m.put("right", t.rightMbps());
            return new Targets(m, t.fps());
        }
    }

    @Override
    public State state() {
        ThermalGovernor.Status s = thermal.status();
        Map<String, Map<String, Number>> limits = new LinkedHashMap<>();
        limits.put("bitrate_mbps", Map.of("min", StreamLimits.MIN_BITRATE_MBPS, "max", StreamLimits.MAX_BITRATE_MBPS));
        limits.put("fps", Map.of("min", StreamLimits.MIN_FPS, "max", StreamLimits.MAX_FPS));
        return new State(Targets.of(thermal.base()), new Targets(s.targetBitrateMbps(), s.targetFps()), s.level(), limits);
    }

    @Override
    public synchronized State apply(StreamChange change) throws Refused {
        EncoderTargets b = thermal.base();
        EncoderTargets next = new EncoderTargets(
                change.leftMbps() != null ? change.leftMbps() : b.leftMbps(),
                change.rightMbps() != null ? change.rightMbps() : b.rightMbps(),
                change.fps() != null ? change.fps() : b.fps());
        EncoderTargets applied;
        try {
            applied = thermal.setBase(next);
        } catch (UnsupportedOperationException e) {
            throw new Refused("not changed: " + e.getMessage());
        }
        LOG.info("stream targets: {} + {} Mbit/s at {} fps{}", next.leftMbps(), next.rightMbps(), next.fps(),
                applied.equals(next) ? "" : " (thermal protection applies " + applied.leftMbps() + " + "
                        + applied.rightMbps() + " Mbit/s at " + applied.fps() + " fps)");
        return state();
    }
}
