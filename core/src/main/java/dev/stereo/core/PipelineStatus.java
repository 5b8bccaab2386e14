package dev.stereo.core;

import java.util.Map;

/**
 * What {@code /api/status} and {@code stereo check} report about a pipeline.
 *
 * @param pipeline "option2" or "option3"
 * @param state "starting", "running", "error" or "stopped"
 * @param layout "dual-track" or "side-by-side"
 * @param eyes per-eye details, keyed "left" and "right"
 * @param viewers viewers currently connected
 * @param encoders number of encoder instances alive in the process (one per eye when running)
 */
public record PipelineStatus(String pipeline, String state, String layout,
                             Map<String, EyeStatus> eyes, int viewers, int encoders) {

    /**
     * @param source what feeds the eye ("test", "libcamera:...", "v4l2:/dev/video0")
     * @param encoder encoder element or codec chosen for this machine
     * @param encoderReason why it was chosen (what was probed and missing)
     * @param framesEncoded frames encoded since start
     */
    public record EyeStatus(String source, String encoder, String encoderReason,
                            int width, int height, int fps, double bitrateMbps, long framesEncoded) {}
}
