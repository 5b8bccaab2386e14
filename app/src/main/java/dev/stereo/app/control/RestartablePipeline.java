package dev.stereo.app.control;

import dev.stereo.calibration.LiveGeometry;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoException;
import dev.stereo.core.StereoPipeline;
import dev.stereo.core.ViewerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A {@link StereoPipeline} that can be restarted in place: the web server holds this object for
 * the whole run, and {@link #restart} closes the current pipeline (which closes its viewers, so
 * the web layer's sessions end through their {@code onClosed}) and starts a new one, possibly with
 * changed settings. Pipelines themselves cannot be started again once closed.
 *
 * <p>Thread-safe: {@link #connect} and {@link #status} go to whichever pipeline is current;
 * restarts and close are serialised.
 */
public final class RestartablePipeline implements StereoPipeline, LiveGeometry {

    private static final Logger LOG = LoggerFactory.getLogger(RestartablePipeline.class);

    private final Function<StereoConfig, StereoPipeline> factory;
    private final Object lifecycle = new Object();
    private volatile StereoConfig config;
    private volatile StereoPipeline current;
    private boolean closed;          // guarded by lifecycle
    private volatile int restarts;
    private volatile dev.stereo.core.metrics.MediaObserver observer = dev.stereo.core.metrics.MediaObserver.NONE;

    /**
     * Builds the first pipeline at once (not started), so a bad pipeline name or config fails here.
     *
     * @param factory makes a new, unstarted pipeline for a configuration
     */
    public RestartablePipeline(StereoConfig config, Function<StereoConfig, StereoPipeline> factory) {
        this.factory = factory;
        this.config = config;
        this.current = factory.apply(config);
    }

    /** The configuration the current pipeline was built from. */
    public StereoConfig config() {
        return config;
    }

    /** The pipeline currently serving (changes on restart). */
    public StereoPipeline current() {
        return current;
    }

    public int restarts() {
        return restarts;
    }

    @Override
    public String name() {
        return current.name();
    }

    @Override
    public void start() throws StereoException {
        current.start();
    }

    /**
     * Closes the current pipeline and starts a new one built from {@code change(config)}. When the
     * new one fails to start it stays current (its status says "error"), so the watchdog and the
     * LED show the failure; a later restart may succeed.
     *
     * @throws StereoException when the new pipeline could not start
     * @throws IllegalStateException after {@link #close()}
     */
    public void restart(UnaryOperator<StereoConfig> change) throws StereoException {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("pipeline is closed");
            }
            StereoConfig next = change.apply(config);
            LOG.info("restarting pipeline {}", current.name());
            current.close();
            StereoPipeline fresh = factory.apply(next);
            config = next;
            current = fresh;
            fresh.observe(observer); // the meters follow the pipeline across restarts
            restarts++;
            fresh.start();
            LOG.info("pipeline {} restarted ({} layout)", fresh.name(), next.stream().layout().key());
        }
    }

    @Override
    public ViewerSession connect(String offerSdp) throws StereoException {
        return current.connect(offerSdp);
    }

    @Override
    public PipelineStatus status() {
        return current.status();
    }

    @Override
    public void setBitrate(dev.stereo.core.Eye eye, double mbps) throws StereoException {
        current.setBitrate(eye, mbps);
    }

    @Override
    public void setFrameRate(int fps) throws StereoException {
        current.setFrameRate(fps);
    }

    @Override
    public void requestKeyframe() throws StereoException {
        current.requestKeyframe();
    }

    /**
     * Applies an eye's new geometry to the running pipeline and keeps it in {@link #config()}, so
     * a later restart (button, layout toggle) starts with it even when the running pipeline could
     * not apply it live.
     *
     * @throws StereoException when the running pipeline cannot apply (all of) it live
     */
    @Override
    public void applyGeometry(dev.stereo.core.Eye eye, StereoConfig.CameraConfig camera) throws StereoException {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("pipeline is closed");
            }
            config = config.withCamera(eye, config.camera(eye).withGeometryOf(camera));
            if (!(current instanceof LiveGeometry live)) {
                throw new StereoException(current.name() + " cannot change geometry while running: restart to apply");
            }
            live.applyGeometry(eye, config.camera(eye));
        }
    }

    /** Goes to the current pipeline and to every pipeline a restart makes. */
    @Override
    public void observe(dev.stereo.core.metrics.MediaObserver observer) {
        this.observer = observer;
        current.observe(observer);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
            current.close();
        }
    }
}
