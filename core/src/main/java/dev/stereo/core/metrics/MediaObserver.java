package dev.stereo.core.metrics;

/**
 * Where a pipeline reports what happens to its frames, as it happens, so that pipelines need not
 * know about Micrometer (the web layer implements this with meters). The {@code track} argument
 * is the encoded track: {@code "left"} or {@code "right"}, or {@code "side-by-side"} for the one
 * track of that layout (capture is still reported per eye).
 *
 * <p>Called on media threads (capture, encoder, GStreamer streaming threads, viewer senders), many
 * times per second: implementations must be thread-safe, cheap, and must never block or throw.
 * Every method has an empty default so an implementation can take only what it needs.
 */
public interface MediaObserver {

    /** Observes nothing; what a pipeline uses until it is given an observer. */
    MediaObserver NONE = new MediaObserver() { };

    /** Drop reason: the encoder was still busy with an earlier frame (leaky queue or mailbox in front of it). */
    String DROP_ENCODER_BUSY = "encoder_busy";
    /** Drop reason: a viewer's own bounded queue was full (its network path is slower than the stream). */
    String DROP_SLOW_VIEWER = "slow_viewer";

    /** Keyframe reason: a viewer joined (or subscribed) and needs an IDR to start decoding. */
    String KEYFRAME_JOIN = "join";
    /** Keyframe reason: a viewer sent RTCP PLI or FIR (a force-key-unit event reached us). */
    String KEYFRAME_PLI = "pli";
    /** Keyframe reason: produced by the encoder's own GOP (or its first frame), not requested. */
    String KEYFRAME_INTERVAL = "interval";
    /** Keyframe reason: a viewer recovers after its queue overflowed or data was lost upstream. */
    String KEYFRAME_RECOVERY = "recovery";
    /** Keyframe reason: asked for by the operator (button, API). */
    String KEYFRAME_MANUAL = "manual";

    /** A raw frame came out of the eye's source. */
    default void frameCaptured(String eye) { }

    /** The encoder of {@code track} produced one access unit of {@code bytes}. */
    default void frameEncoded(String track, long bytes) { }

    /** How long the encoder took for one frame, from raw frame in to access unit out. */
    default void encodeDuration(String track, long nanos) { }

    /**
     * An access unit reached one viewer's payloader; {@code captureToSendNanos} is the time since
     * its frame was captured. Once per viewer, so with two viewers every frame is sent twice.
     */
    default void frameSent(String track, long captureToSendNanos) { }

    /** {@code count} frames (raw or encoded) were dropped, for {@code reason} (the DROP_ constants). */
    default void framesDropped(String track, String reason, long count) { }

    /** Someone asked for a keyframe (before rate limiting); {@code reason} is a KEYFRAME_ constant. */
    default void keyframeRequested(String track, String reason) { }

    /** The encoder produced an IDR; {@code reason} is the request it served, or {@link #KEYFRAME_INTERVAL}. */
    default void keyframeProduced(String track, String reason) { }
}
