package dev.stereo.web;

import dev.stereo.core.Eye;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoPipeline;
import dev.stereo.core.metrics.MetricNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.function.ToDoubleFunction;

/**
 * The pipeline's series, read from {@link StereoPipeline#status()} on every scrape, so pipelines
 * need not know about Micrometer: frames encoded and configured bitrate per eye, encoders, the
 * pipeline's own viewer count and its state. Status is cheap and never blocks (its contract).
 */
public final class PipelineMeters implements MeterBinder {

    private final StereoPipeline pipeline;

    public PipelineMeters(StereoPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String name = pipeline.name();
        for (Eye eye : Eye.values()) {
            FunctionCounter.builder(MetricNames.FRAMES_ENCODED, pipeline,
                            p -> eyeValue(p, eye, e -> e.framesEncoded()))
                    .description("Frames the eye's encoder produced since start")
                    .tags(MetricNames.EYE, eye.key(), MetricNames.PIPELINE, name)
                    .register(registry);
            Gauge.builder(MetricNames.BITRATE_CONFIGURED, pipeline,
                            p -> eyeValue(p, eye, e -> e.bitrateMbps() * 1_000_000.0))
                    .description("The eye's configured encoder target bitrate")
                    .tags(MetricNames.EYE, eye.key(), MetricNames.PIPELINE, name)
                    .register(registry);
        }
        Gauge.builder(MetricNames.ENCODERS, pipeline, p -> p.status().encoders())
                .description("Encoder instances alive (one per eye when running)")
                .tag(MetricNames.PIPELINE, name).register(registry);
        Gauge.builder(MetricNames.PIPELINE_VIEWERS, pipeline, p -> p.status().viewers())
                .description("Viewers the pipeline holds (differs from stereo_viewers only on a leaked peer)")
                .tag(MetricNames.PIPELINE, name).register(registry);
        for (String state : MetricNames.STATES) {
            Gauge.builder(MetricNames.PIPELINE_STATE, pipeline, p -> state.equals(p.status().state()) ? 1 : 0)
                    .description("1 for the pipeline's current state")
                    .tags(MetricNames.PIPELINE, name, MetricNames.STATE, state).register(registry);
        }
    }

    private static double eyeValue(StereoPipeline p, Eye eye, ToDoubleFunction<PipelineStatus.EyeStatus> f) {
        PipelineStatus.EyeStatus s = p.status().eyes().get(eye.key());
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }
}
