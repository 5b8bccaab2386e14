package dev.stereo.web;

import dev.stereo.core.Eye;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoPipeline;
import dev.stereo.core.metrics.MediaObserver;
import dev.stereo.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The pipeline's series. Two sources: {@link StereoPipeline#status()}, read on every scrape
 * (frames encoded and configured bitrate per eye, encoders, the pipeline's own viewer count, its
 * state), and the pipeline's {@link MediaObserver} events, which this class receives as they
 * happen on media threads (frames captured, sent and dropped, encoded bytes and the measured
 * bitrate, encode time and capture-to-send histograms, keyframes by reason).
 *
 * <p>Meters per track are made on first use, so a side-by-side track gets its own; the common
 * ones (left and right) exist from the start, at zero, so {@code rate()} works from the first
 * scrape. Thread-safe; the observer methods never block.
 */
public final class PipelineMeters implements MeterBinder, MediaObserver {

    /** Histogram buckets for encode time and capture-to-send: the milliseconds a frame budget is made of. */
    static final Duration[] LATENCY_BUCKETS = {ms(1), ms(2), ms(4), ms(6), ms(8), ms(10), ms(15), ms(20), ms(30),
            ms(50), ms(75), ms(100), ms(150), ms(250), ms(500), ms(1000)};
    /** Seconds the measured bitrate is averaged over. */
    static final int BITRATE_WINDOW_SECONDS = 3;

    private final StereoPipeline pipeline;
    private final Map<String, TrackMeters> tracks = new ConcurrentHashMap<>();
    private final Map<String, Counter> reasons = new ConcurrentHashMap<>();
    private final long origin = System.nanoTime();
    private volatile MeterRegistry registry;

    public PipelineMeters(StereoPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Registers the meters and makes this the pipeline's observer. */
    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
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
            track(eye.key());
            for (String reason : List.of(DROP_ENCODER_BUSY, DROP_SLOW_VIEWER)) {
                reasonCounter(MetricNames.FRAMES_DROPPED, eye.key(), reason);
            }
            for (String reason : List.of(KEYFRAME_JOIN, KEYFRAME_PLI, KEYFRAME_INTERVAL)) {
                reasonCounter(MetricNames.KEYFRAMES_REQUESTED, eye.key(), reason);
                reasonCounter(MetricNames.KEYFRAMES_PRODUCED, eye.key(), reason);
            }
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
        pipeline.observe(this);
    }

    /** The meters of one track ("left", "right", "side-by-side"), made on first use. */
    private TrackMeters track(String key) {
        TrackMeters t = tracks.get(key);
        return t != null ? t : tracks.computeIfAbsent(key, k -> new TrackMeters(registry, pipeline.name(), k, origin));
    }

    private Counter reasonCounter(String metric, String track, String reason) {
        String key = metric + '\0' + track + '\0' + reason;
        Counter c = reasons.get(key);
        return c != null ? c : reasons.computeIfAbsent(key, k -> Counter.builder(metric)
                .description(switch (metric) {
                    case MetricNames.FRAMES_DROPPED -> "Frames dropped, by reason";
                    case MetricNames.KEYFRAMES_REQUESTED -> "Keyframe requests (before rate limiting), by reason";
                    default -> "Keyframes (IDR) produced, by the request they served";
                })
                .tags(MetricNames.EYE, track, MetricNames.PIPELINE, pipeline.name(), MetricNames.REASON, reason)
                .register(registry));
    }

    @Override
    public void frameCaptured(String eye) {
        track(eye).captured.increment();
    }

    @Override
    public void frameEncoded(String track, long bytes) {
        TrackMeters t = track(track);
        long now = System.nanoTime();
        t.bytes.increment(bytes);
        t.rate.add(bytes, now);
        t.frames.add(1, now);
    }

    @Override
    public void encodeDuration(String track, long nanos) {
        track(track).encode.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void frameSent(String track, long captureToSendNanos) {
        TrackMeters t = track(track);
        t.sent.increment();
        if (captureToSendNanos >= 0) {
            t.captureToSend.record(captureToSendNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void framesDropped(String track, String reason, long count) {
        if (count > 0) {
            reasonCounter(MetricNames.FRAMES_DROPPED, track, reason).increment(count);
        }
    }

    @Override
    public void keyframeRequested(String track, String reason) {
        reasonCounter(MetricNames.KEYFRAMES_REQUESTED, track, reason).increment();
    }

    @Override
    public void keyframeProduced(String track, String reason) {
        reasonCounter(MetricNames.KEYFRAMES_PRODUCED, track, reason).increment();
    }

    /** One track's event-fed meters. */
    private static final class TrackMeters {
        final Counter captured;
        final Counter sent;
        final Counter bytes;
        final Timer encode;
        final Timer captureToSend;
        final RateWindow rate;   // bytes
        final RateWindow frames; // access units

        TrackMeters(MeterRegistry registry, String pipeline, String track, long origin) {
            String[] tags = {MetricNames.EYE, track, MetricNames.PIPELINE, pipeline};
            captured = Counter.builder(MetricNames.FRAMES_CAPTURED).tags(tags)
                    .description("Raw frames that came out of the eye's source").register(registry);
            sent = Counter.builder(MetricNames.FRAMES_SENT).tags(tags)
                    .description("Access units handed to a viewer's payloader, summed over viewers").register(registry);
            bytes = Counter.builder(MetricNames.ENCODED_BYTES).tags(tags)
                    .description("Bytes the encoder produced").register(registry);
            encode = Timer.builder(MetricNames.ENCODE_DURATION).tags(tags).serviceLevelObjectives(LATENCY_BUCKETS)
                    .description("Time from raw frame into the encoder to access unit out").register(registry);
            captureToSend = Timer.builder(MetricNames.CAPTURE_TO_SEND).tags(tags)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .description("Capture instant to a viewer's RTP payloader").register(registry);
            rate = new RateWindow(BITRATE_WINDOW_SECONDS, origin);
            frames = new RateWindow(BITRATE_WINDOW_SECONDS, origin);
            Gauge.builder(MetricNames.BITRATE_MEASURED, rate, r -> 8 * r.perSecond(System.nanoTime())).tags(tags)
                    .description("Bits per second the encoder produced over the last " + BITRATE_WINDOW_SECONDS
                            + " s").register(registry);
        }
    }

    /**
     * The essentials of the event-fed meters per track, for {@code /api/status} ("media"):
     * measured frame rate and bitrate, frames captured/sent, drops and keyframes by reason, mean
     * encode and capture-to-send times. Cheap: reads meters only.
     */
    public Map<String, Map<String, Object>> snapshot() {
        long now = System.nanoTime();
        Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
        tracks.forEach((key, t) -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("fps_measured", round(t.frames.perSecond(now), 10));
            m.put("bitrate_measured_mbps", round(8 * t.rate.perSecond(now) / 1e6, 1000));
            m.put("frames_captured", (long) t.captured.count());
            m.put("frames_sent", (long) t.sent.count());
            m.put("encode_ms_mean", round(t.encode.mean(TimeUnit.MILLISECONDS), 100));
            m.put("capture_to_send_ms_mean", round(t.captureToSend.mean(TimeUnit.MILLISECONDS), 100));
            m.put("frames_dropped", byReason(MetricNames.FRAMES_DROPPED, key));
            m.put("keyframes_requested", byReason(MetricNames.KEYFRAMES_REQUESTED, key));
            m.put("keyframes_produced", byReason(MetricNames.KEYFRAMES_PRODUCED, key));
            out.put(key, m);
        });
        return out;
    }

    private Map<String, Long> byReason(String metric, String track) {
        Map<String, Long> out = new java.util.TreeMap<>();
        String prefix = metric + '\0' + track + '\0';
        reasons.forEach((k, c) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), (long) c.count());
            }
        });
        return out;
    }

    private static double round(double v, double scale) {
        return Double.isFinite(v) ? Math.round(v * scale) / scale : 0;
    }

    private static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }

    private static double eyeValue(StereoPipeline p, Eye eye, ToDoubleFunction<PipelineStatus.EyeStatus> f) {
        PipelineStatus.EyeStatus s = p.status().eyes().get(eye.key());
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }
}
