package dev.stereo.dualtrack;

/**
 * The H.264 encoder one eye uses on this machine and why; shown by {@code /api/status} and
 * {@code stereo check}.
 *
 * @param codec FFmpeg encoder name ("h264_v4l2m2m", "libx264", "libopenh264") or
 *     "external:&lt;program&gt;" for an external encoder process
 * @param reason one line: what was tried before it and why it failed, and what this one is
 */
public record CodecChoice(String codec, String reason) {}
