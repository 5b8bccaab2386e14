package dev.stereo.core;

/**
 * One stereo video pipeline (option2 or option3) serving any number of WebRTC viewers.
 *
 * <p>Lifecycle: the constructor has no side effects; {@link #start()} opens sources and
 * encoders (one per eye, whatever the number of viewers); {@link #close()} stops everything,
 * closes every viewer, is idempotent and safe from any state. The pipeline owns every native
 * resource it creates, including the viewers' WebRTC peers.
 *
 * <p>Thread-safety: {@link #connect}, {@link #status} and {@link #close} may be called from any
 * thread (HTTP handler threads in practice) concurrently.
 */
public interface StereoPipeline extends AutoCloseable {

    /** "option2" or "option3". */
    String name();

    /** Builds and starts the graph. Throws {@link StereoException} with a user-facing reason. */
    void start() throws StereoException;

    /**
     * Answers a viewer's SDP offer (recvonly video, one m-line per eye, or one for side-by-side).
     * Blocks until ICE gathering is complete so the answer carries every candidate (non-trickle
     * clients work); returns at most after a few seconds.
     *
     * @throws BadOfferException when the offer is malformed or cannot receive what we send
     * @throws StereoException when the pipeline cannot take the viewer
     */
    ViewerSession connect(String offerSdp) throws StereoException;

    /**
     * Changes one eye's encoder target bitrate while running, without dropping viewers (thermal
     * protection, live control). Any thread.
     *
     * @throws StereoException when this pipeline or its encoder cannot change it live
     */
    default void setBitrate(Eye eye, double mbps) throws StereoException {
        throw new StereoException(name() + " cannot change the bitrate while running");
    }

    /**
     * Changes the frame rate of both eyes while running, without dropping viewers (live control,
     * thermal protection). Any thread. {@link #status()} reports the new rate once applied.
     *
     * @throws StereoException when this pipeline or its sources cannot change it live (a restart
     *         with the new {@code stream.fps} can); the message says why
     */
    default void setFrameRate(int fps) throws StereoException {
        throw new StereoException(name() + " cannot change the frame rate while running: set stream.fps and restart");
    }

    /**
     * Makes every encoder produce an IDR (with SPS/PPS) as soon as possible, within the pipeline's
     * keyframe rate limit. Any thread.
     *
     * @throws StereoException when this pipeline cannot be asked for one
     */
    default void requestKeyframe() throws StereoException {
        throw new StereoException(name() + " cannot be asked for a keyframe");
    }

    /**
     * Where to report frames, drops, encode times and keyframes from now on (the web layer's
     * meters). Called once by the wiring, before or after {@link #start()}, from any thread; the
     * observer is called on media threads (see {@link dev.stereo.core.metrics.MediaObserver}).
     * A pipeline that reports nothing may ignore it.
     */
    default void observe(dev.stereo.core.metrics.MediaObserver observer) {
    }

    /** A snapshot for {@code /api/status}; cheap, never blocks on the media threads. */
    PipelineStatus status();

    @Override
    void close();
}
