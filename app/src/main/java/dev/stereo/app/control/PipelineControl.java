package dev.stereo.app.control;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.Layout;
import dev.stereo.calibration.StereoConfig.Size;
import dev.stereo.calibration.StereoConfig.StreamConfig;
import dev.stereo.core.StereoException;
import dev.stereo.core.StereoPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * {@link StreamControl} over a {@link RestartablePipeline}. Restarts and the layout toggle are done
 * here; live bitrate/fps changes and keyframe requests are passed to the current pipeline through
 * the two functions {@code Wiring} supplies, because the {@link StereoPipeline} contract has no
 * such methods yet (until it does, those functions throw {@link UnsupportedOperationException}).
 *
 * <p>The last encoder targets are applied again after every restart, so a pipeline restarted
 * while hot does not jump back to full bitrate.
 */
public final class PipelineControl implements StreamControl {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineControl.class);

    private final RestartablePipeline pipeline;
    private final BiConsumer<StereoPipeline, EncoderTargets> liveTargets;
    private final Consumer<StereoPipeline> keyframe;
    private volatile EncoderTargets lastTargets;

    public PipelineControl(RestartablePipeline pipeline, BiConsumer<StereoPipeline, EncoderTargets> liveTargets,
                           Consumer<StereoPipeline> keyframe) {
        this.pipeline = pipeline;
        this.liveTargets = liveTargets;
        this.keyframe = keyframe;
    }

    @Override
    public void setEncoderTargets(EncoderTargets targets) {
        lastTargets = targets;
        liveTargets.accept(pipeline.current(), targets);
    }

    @Override
    public void requestKeyframe() {
        keyframe.accept(pipeline.current());
    }

    @Override
    public void toggleLayout() {
        StereoConfig c = pipeline.config();
        Layout next = c.stream().layout() == Layout.DUAL_TRACK ? Layout.SIDE_BY_SIDE : Layout.DUAL_TRACK;
        if (next == Layout.SIDE_BY_SIDE && !sameSize(c)) {
            throw new IllegalStateException("side-by-side needs both eyes the same size (output_size differs)");
        }
        restartWith(x -> withLayout(x, next));
    }

    @Override
    public void restart() {
        restartWith(UnaryOperator.identity());
    }

    private void restartWith(UnaryOperator<StereoConfig> change) {
        try {
            pipeline.restart(change);
        } catch (StereoException e) {
            throw new IllegalStateException("the restarted pipeline did not start: " + e.getMessage(), e);
        }
        EncoderTargets t = lastTargets;
        if (t != null) {
            try {
                liveTargets.accept(pipeline.current(), t);
            } catch (UnsupportedOperationException e) {
                LOG.debug("encoder targets not re-applied: {}", e.getMessage());
            }
        }
    }

    static StereoConfig withLayout(StereoConfig c, Layout layout) {
        StreamConfig s = c.stream();
        return new StereoConfig(c.file(), c.server(), new StreamConfig(s.width(), s.height(), s.fps(), layout),
                c.left(), c.right(), c.appliance());
    }

    private static boolean sameSize(StereoConfig c) {
        Size stream = new Size(c.stream().width(), c.stream().height());
        Size l = c.left().outputSize() != null ? c.left().outputSize() : stream;
        Size r = c.right().outputSize() != null ? c.right().outputSize() : stream;
        return l.equals(r);
    }
}
