package dev.stereo.web;

/**
 * A validated {@code POST /api/stream} request: what to change, {@code null} = leave as it is.
 * Built by {@link StreamRequest#parse}, so every non-null value is within
 * {@link dev.stereo.core.StreamLimits}. Immutable.
 *
 * @param leftMbps  new left-eye target bitrate, Mbit/s
 * @param rightMbps new right-eye target bitrate, Mbit/s
 * @param fps       new frame rate for both eyes
 */
public record StreamChange(Double leftMbps, Double rightMbps, Integer fps) {}
