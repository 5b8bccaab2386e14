package dev.stereo.core.metrics;

/**
 * The names and tags of the series {@code GET /metrics} exposes (Prometheus text format), in one
 * place so the web layer, the app and the tests agree. Names follow Prometheus conventions: base
 * units in the name, {@code _total} on counters. Each constant is the exposed name and also the
 * name the meter is registered under (Micrometer's Prometheus naming keeps it as is).
 *
 * <p>Only names live here: core does not depend on Micrometer, and pipelines report through
 * {@link dev.stereo.core.PipelineStatus}, which the metrics layer reads.
 */
public final class MetricNames {

    private MetricNames() {}

    /** Counter, tags {@link #EYE} and {@link #PIPELINE}: frames the eye's encoder produced since start. */
    public static final String FRAMES_ENCODED = "stereo_frames_encoded_total";
    /** Gauge, tags {@link #EYE} and {@link #PIPELINE}: the encoder's configured target bitrate. */
    public static final String BITRATE_CONFIGURED = "stereo_bitrate_configured_bits_per_second";
    /** Gauge, tag {@link #PIPELINE}: viewers currently connected (the web layer's session table). */
    public static final String VIEWERS = "stereo_viewers";
    /** Gauge, tag {@link #PIPELINE}: viewers the pipeline itself holds (differs from viewers only on a leak). */
    public static final String PIPELINE_VIEWERS = "stereo_pipeline_viewers";
    /** Gauge, tag {@link #PIPELINE}: encoder instances alive (one per eye when running). */
    public static final String ENCODERS = "stereo_encoders";
    /** Gauge, tags {@link #PIPELINE} and {@link #STATE}: 1 for the pipeline's current state, 0 otherwise. */
    public static final String PIPELINE_STATE = "stereo_pipeline_state";
    /** Counter, tags {@link #OUTCOME} and {@link #REASON}: viewer session attempts by how they ended. */
    public static final String VIEWER_SESSIONS = "stereo_viewer_sessions_total";
    /** Gauge: SoC temperature from the thermal zone file (thermal.sensor). */
    public static final String SOC_TEMPERATURE = "stereo_soc_temperature_celsius";
    /** Gauge: resident set size of the process (from /proc/self/statm). */
    public static final String PROCESS_RESIDENT_MEMORY = "process_resident_memory_bytes";

    /** Tag: "left" or "right" ({@link dev.stereo.core.Eye#key()}). */
    public static final String EYE = "eye";
    /** Tag: "option2" or "option3". */
    public static final String PIPELINE = "pipeline";
    /** Tag: "starting", "running", "error" or "stopped". */
    public static final String STATE = "state";
    /** Tag of {@link #VIEWER_SESSIONS}: {@link #CONNECTED}, {@link #FAILED} or {@link #REJECTED}. */
    public static final String OUTCOME = "outcome";
    /** Tag of {@link #VIEWER_SESSIONS}: why a session failed or was rejected ("none" when connected). */
    public static final String REASON = "reason";

    public static final String CONNECTED = "connected";
    public static final String FAILED = "failed";
    public static final String REJECTED = "rejected";

    /** Every pipeline state, so the state gauge always exposes all of them. */
    public static final java.util.List<String> STATES = java.util.List.of("starting", "running", "error", "stopped");
}
