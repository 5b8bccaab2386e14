package dev.stereo.app.control;

/**
 * What the appliance features (thermal protection, the button) may do to the running stream.
 * {@code Wiring} adapts the pipeline to it ({@link PipelineControl}); tests use a recording fake.
 *
 * <p>Methods may block (a restart takes seconds); callers run them off the media and GPIO
 * threads. Thread-safe.
 */
public interface StreamControl {

    /**
     * Changes bitrate and frame rate on the running pipeline without dropping viewers.
     *
     * @throws UnsupportedOperationException when the pipeline cannot change them while running
     */
    void setEncoderTargets(EncoderTargets targets);

    /**
     * Both encoders send an IDR frame now (a viewer with a broken picture recovers at once).
     *
     * @throws UnsupportedOperationException when the pipeline cannot be asked for one
     */
    void requestKeyframe();

    /**
     * Switches between dual-track and side-by-side by restarting the pipeline; viewers reconnect.
     *
     * @throws IllegalStateException when the other layout is not possible (eyes of different sizes)
     */
    void toggleLayout();

    /** Stops the pipeline and starts a fresh one with the same settings; viewers reconnect. */
    void restart();
}
