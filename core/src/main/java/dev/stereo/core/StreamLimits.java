package dev.stereo.core;

/**
 * The allowed ranges of the stream settings that can be set both in the YAML and live
 * ({@code POST /api/stream}): one source of truth, so the configuration's validation and the
 * API's answer the same. Constants only.
 */
public final class StreamLimits {

    /** Per-eye encoder target bitrate, Mbit/s (inclusive). */
    public static final double MIN_BITRATE_MBPS = 0.1;
    public static final double MAX_BITRATE_MBPS = 100;

    /** Frames per second (inclusive). */
    public static final int MIN_FPS = 1;
    public static final int MAX_FPS = 240;

    private StreamLimits() {}
}
