package dev.stereo.core.metrics;

/**
 * The names and tags of the series {@code GET /metrics} exposes (Prometheus text format), in one
 * place so the web layer, the app and the tests agree. Names follow Prometheus conventions: base
 * units in the name, {@code _total} on counters. Each constant is the exposed name and also the
 * name the meter is registered under (Micrometer's Prometheus naming keeps it as is).
 *
 * <p>Only names live here: core does not depend on Micrometer. Pipelines report through
 * {@link dev.stereo.core.PipelineStatus} (read on each scrape), {@link MediaObserver} (events as
 * they happen) and {@link dev.stereo.core.ViewerSession#senderStats()} (per-viewer RTP figures);
 * the web layer turns them into meters.
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

    /** Counter, tags {@link #EYE} and {@link #PIPELINE}: raw frames that came out of the eye's source. */
    public static final String FRAMES_CAPTURED = "stereo_frames_captured_total";
    /**
     * Counter, tags {@link #EYE} and {@link #PIPELINE}: access units handed to a viewer's payloader,
     * summed over viewers (two viewers: twice the encoded rate).
     */
    public static final String FRAMES_SENT = "stereo_frames_sent_total";
    /** Counter, tags {@link #EYE}, {@link #PIPELINE} and {@link #REASON} ("encoder_busy", "slow_viewer"). */
    public static final String FRAMES_DROPPED = "stereo_frames_dropped_total";
    /** Counter, tags {@link #EYE} and {@link #PIPELINE}: bytes the eye's encoder produced. */
    public static final String ENCODED_BYTES = "stereo_encoded_bytes_total";
    /** Gauge, tags {@link #EYE} and {@link #PIPELINE}: bits per second the encoder produced over the last few seconds. */
    public static final String BITRATE_MEASURED = "stereo_bitrate_measured_bits_per_second";
    /** Histogram, tags {@link #EYE} and {@link #PIPELINE}: time from raw frame into the encoder to access unit out. */
    public static final String ENCODE_DURATION = "stereo_encode_duration_seconds";
    /** Histogram, tags {@link #EYE} and {@link #PIPELINE}: capture instant to a viewer's payloader. */
    public static final String CAPTURE_TO_SEND = "stereo_capture_to_send_seconds";
    /** Counter, tags {@link #EYE}, {@link #PIPELINE} and {@link #REASON}: keyframe requests, before rate limiting. */
    public static final String KEYFRAMES_REQUESTED = "stereo_keyframes_requested_total";
    /** Counter, tags {@link #EYE}, {@link #PIPELINE} and {@link #REASON}: IDRs produced, by the request they served. */
    public static final String KEYFRAMES_PRODUCED = "stereo_keyframes_produced_total";

    /** Counter, tags {@link #VIEWER}, {@link #EYE}, {@link #PIPELINE}: RTP packets sent to the viewer. */
    public static final String VIEWER_PACKETS_SENT = "stereo_viewer_rtp_packets_sent_total";
    /** Counter, tags as above: RTP bytes sent to the viewer. */
    public static final String VIEWER_BYTES_SENT = "stereo_viewer_rtp_sent_bytes_total";
    /** Counter, tags as above: packets the viewer reports lost (RTCP receiver reports, cumulative). */
    public static final String VIEWER_PACKETS_LOST = "stereo_viewer_rtp_packets_lost_total";
    /** Gauge, tags as above: interarrival jitter the viewer reports. */
    public static final String VIEWER_JITTER = "stereo_viewer_rtp_jitter_seconds";
    /** Gauge, tags as above: round-trip time from RTCP. */
    public static final String VIEWER_ROUND_TRIP = "stereo_viewer_round_trip_time_seconds";
    /** Counter, tags as above: RTCP NACKs received from the viewer. */
    public static final String VIEWER_NACKS = "stereo_viewer_rtcp_nacks_total";
    /** Counter, tags as above: RTCP PLIs received from the viewer. */
    public static final String VIEWER_PLIS = "stereo_viewer_rtcp_plis_total";
    /** Counter, tags as above: RTCP FIRs received from the viewer. */
    public static final String VIEWER_FIRS = "stereo_viewer_rtcp_firs_total";
    /** Every per-viewer series: removed from the registry when the viewer leaves. */
    public static final java.util.List<String> PER_VIEWER = java.util.List.of(VIEWER_PACKETS_SENT, VIEWER_BYTES_SENT,
            VIEWER_PACKETS_LOST, VIEWER_JITTER, VIEWER_ROUND_TRIP, VIEWER_NACKS, VIEWER_PLIS, VIEWER_FIRS);

    /** Gauge, tag {@link #EYE}: decoded frames per second the web clients report (mean over clients of the last minute). */
    public static final String CLIENT_FPS = "stereo_client_frames_per_second";
    /** Gauge, tag {@link #EYE}: capture-to-display latency the web clients report from the probe stamp (mean). */
    public static final String CLIENT_LATENCY = "stereo_client_latency_seconds";
    /** Gauge, tag {@link #EYE}: jitter-buffer delay the web clients report (mean). */
    public static final String CLIENT_JITTER_BUFFER = "stereo_client_jitter_buffer_seconds";
    /** Gauge: web clients that reported in the last minute. */
    public static final String CLIENTS_REPORTING = "stereo_clients_reporting";

    /** Gauge, tags {@link #FLAG} and {@link #WHEN}: 1 when {@code vcgencmd get_throttled} reports the condition (Raspberry Pi only). */
    public static final String SOC_THROTTLED = "stereo_soc_throttled";

    /** Tag: "left" or "right" ({@link dev.stereo.core.Eye#key()}). */
    public static final String EYE = "eye";
    /** Tag: "option2" or "option3". */
    public static final String PIPELINE = "pipeline";
    /** Tag: "starting", "running", "error" or "stopped". */
    public static final String STATE = "state";
    /** Tag of {@link #VIEWER_SESSIONS}: {@link #CONNECTED}, {@link #FAILED} or {@link #REJECTED}. */
    public static final String OUTCOME = "outcome";
    /** Tag: why a session failed or was rejected ("none" when connected), why frames dropped, why a keyframe came. */
    public static final String REASON = "reason";

    /** Tag of the per-viewer series: a small number given to each viewer in join order (never its session id). */
    public static final String VIEWER = "viewer";
    /** Tag of {@link #SOC_THROTTLED}: "under_voltage", "arm_frequency_capped", "throttled", "soft_temperature_limit". */
    public static final String FLAG = "flag";
    /** Tag of {@link #SOC_THROTTLED}: "now" or "since_boot". */
    public static final String WHEN = "when";

    public static final String CONNECTED = "connected";
    public static final String FAILED = "failed";
    public static final String REJECTED = "rejected";

    /** Every pipeline state, so the state gauge always exposes all of them. */
    public static final java.util.List<String> STATES = java.util.List.of("starting", "running", "error", "stopped");
}
