/**
 * Option 2, dual-track passthrough: one H.264 encoder per eye owned by Java, and every viewer
 * gets the encoded access units unchanged on two WebRTC tracks (left first).
 *
 * <h2>Data path</h2>
 * <ol>
 *   <li>Frames: {@link dev.stereo.dualtrack.TestFrameSource} (one thread ticks both eyes with one
 *       capture instant and stamps the latency probe before encode), {@code V4l2FrameSource}
 *       (FFmpeg libavdevice), {@code LibcameraFrameSource} ({@code libcamerasrc ! appsink}), each
 *       into the eye's newest-wins {@code FrameMailbox};</li>
 *   <li>{@code EyeEncoder} thread per eye: {@link dev.stereo.dualtrack.FfmpegEncoder}
 *       ({@code h264_v4l2m2m} → {@code libx264} → {@code libopenh264}), keyframes on demand through
 *       {@link dev.stereo.dualtrack.KeyframeRequests}; or instead an external encoder process
 *       ({@code ExternalEncoderSource}) cut by the {@link dev.stereo.dualtrack.AnnexBSplitter};</li>
 *   <li>{@link dev.stereo.dualtrack.AccessUnitBroadcaster} per eye: a bounded, IDR-aware queue per
 *       viewer; never blocks the encoder;</li>
 *   <li>per viewer ({@code DualTrackViewer}) its own pipeline, per eye
 *       {@code appsrc → rtph264pay → webrtcbin}, negotiated by core's {@code WebRtcPeer}.</li>
 * </ol>
 *
 * <h2>Threads</h2>
 * test-source (or one capture thread/streaming thread per eye), encoder-left/right, one sender
 * thread per viewer and eye, the Gst executor for every state change and dispose, and for an
 * external encoder a supervisor and a stderr thread per eye.
 *
 * <p>Entry point: {@link dev.stereo.dualtrack.DualTrackPipeline}.
 */
package dev.stereo.dualtrack;
