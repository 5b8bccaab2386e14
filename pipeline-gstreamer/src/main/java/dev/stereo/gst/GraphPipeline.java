package dev.stereo.gst;

import dev.stereo.calibration.LiveGeometry;
import dev.stereo.calibration.RectifyShader;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.SourceType;
import dev.stereo.core.Eye;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoException;
import dev.stereo.core.StereoPipeline;
import dev.stereo.core.ViewerSession;
import dev.stereo.core.gst.ForceKeyUnit;
import dev.stereo.core.gst.GstThread;
import dev.stereo.core.sdp.SdpOffer;
import dev.stereo.core.metrics.MediaObserver;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Clock;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Option 3: the whole media path in one GStreamer graph. Per eye: source → geometry → probe
 * stamp → leaky queue → encoder → h264parse → tee; per viewer and track a leaky queue →
 * rtph264pay → that viewer's webrtcbin. One encoder per track, whatever the number of viewers.
 *
 * <p>Ownership: this class owns the {@link Pipeline} and every element in it, the test-source
 * thread and every viewer; {@link #close()} stops the pipeline (NULL) then disposes it on the
 * Gst executor. Gst must already be initialised (the app does it once).
 */
public final class GraphPipeline implements StereoPipeline, LiveGeometry {

    private static final Logger LOG = LoggerFactory.getLogger(GraphPipeline.class);
    /** At most one keyframe per track per this interval (joins and PLI/FIR alike). */
    static final long KEYFRAME_MIN_INTERVAL_MS = 250;

    private final StereoConfig config;
    private final Map<String, Track> tracks = new LinkedHashMap<>();
    private final Map<String, GraphViewer> viewers = new ConcurrentHashMap<>();
    private final List<Object> keepAlive = new ArrayList<>(); // probes and callbacks: GC would kill them
    private final Map<Eye, Double> bitrates = new ConcurrentHashMap<>(); // live changes; else the YAML's
    private volatile int fps;                // live changes (test source); else the YAML's
    private final Map<Eye, AppSrc> testSources = new EnumMap<>(Eye.class);
    private volatile MediaObserver observer = MediaObserver.NONE;
    private volatile Clock clock; // the playing pipeline's, for capture-to-send (fixed once playing)
    private volatile long baseTime;
    private volatile String state = "stopped";
    private volatile String error;
    private EncoderChoice encoder;
    private GraphDescription description;
    private Pipeline pipeline;
    private TestSourceDriver testSource;
    private boolean closed;

    /** One encoded output: a tee that viewers attach to, and its encoder. */
    static final class Track {
        final String name;
        final int index;
        Element encoder;
        Element tee;
        final AtomicLong framesEncoded = new AtomicLong();
        KeyframeGate gate;
        /** The track as metrics name it: "left", "right" or "side-by-side". */
        final String metricKey;
        /** Why the keyframe last sent to the encoder was asked for, until the encoder produces it. */
        volatile String forcedReason;
        /** Per frame in the encoder, by input PTS: {nanoTime in, nanoTime captured}. */
        final Map<Long, long[]> encodeStarts = TrackProbes.bounded(16);
        /** Capture nanoTime of recent encoded frames, by output PTS (viewers' queues hold up to 30). */
        final Map<Long, Long> captureByPts = TrackProbes.bounded(64);
        /**
         * Output PTS minus input PTS: x264enc asks the base encoder for a minimum PTS (1000 h, so
         * that DTS never goes negative), which shifts every output timestamp by one constant.
         */
        volatile long ptsOffset = Long.MIN_VALUE;

        Track(String name, int index) {
            this.name = name;
            this.index = index;
            this.metricKey = name.equals("sbs") ? "side-by-side" : name;
        }
    }

    /** @param config with every camera source resolved (TEST, LIBCAMERA or V4L2, never AUTO) */
    public GraphPipeline(StereoConfig config) {
        this.config = config;
        this.fps = config.stream().fps();
    }

    @Override
    public String name() {
        return "option3";
    }

    /** The graph this pipeline builds (valid after probing; {@link #start()} uses the same). */
    public GraphDescription describe(boolean gl) {
        Map<Eye, SourceType> sources = new EnumMap<>(Eye.class);
        Map<Eye, String> devices = new EnumMap<>(Eye.class);
        for (Eye eye : Eye.values()) {
            sources.put(eye, config.camera(eye).source());
            devices.put(eye, config.camera(eye).device());
        }
        return new GraphDescription(config, encoder == null ? EncoderChoice.probe() : encoder, sources, devices, gl);
    }

    @Override
    public synchronized void start() throws StereoException {
        if (closed) {
            throw new StereoException("pipeline already closed");
        }
        state = "starting";
        encoder = EncoderChoice.probe();
        if (encoder.element() == null) {
            state = "error";
            throw new StereoException(encoder.reason()
                    + ". Install gstreamer1.0-plugins-ugly (x264enc) or gstreamer1.0-plugins-bad (openh264enc).");
        }
        boolean needsGeometry = !config.left().isIdentityGeometry() || !config.right().isIdentityGeometry();
        boolean gl = needsGeometry && GlProbe.works();
        if (needsGeometry && !gl) {
            LOG.warn("OpenGL is not available here ({}); crop/flip/alignment use CPU elements and lens "
                    + "rectification is skipped", GlProbe.lastError());
        }
        description = describe(gl);
        String launch = description.launch();
        LOG.info("option3 graph:\n{}", launch);
        GstThread.run(() -> build(launch), 10_000);
        state = "running";
    }

    /** Runs on the Gst executor. */
    private void build(String launch) {
        pipeline = (Pipeline) Gst.parseLaunch(launch);
        Bus bus = pipeline.getBus();
        Bus.ERROR onError = (source, code, message) -> {
            error = source.getName() + ": " + message;
            state = "error";
            LOG.error("pipeline error from {}: {}", source.getName(), message);
        };
        Bus.WARNING onWarning = (source, code, message) -> LOG.warn("pipeline warning from {}: {}",
                source.getName(), message);
        bus.connect(onError);
        bus.connect(onWarning);
        keepAlive.add(onError);
        keepAlive.add(onWarning);

        int index = 0;
        for (String name : description.tracks()) {
            Track t = new Track(name, index++);
            t.encoder = pipeline.getElementByName("enc_" + name);
            t.tee = pipeline.getElementByName("tee_" + name);
            t.gate = new KeyframeGate(TimeUnit.MILLISECONDS.toNanos(KEYFRAME_MIN_INTERVAL_MS), System::nanoTime);
            Pad.PROBE countFrames = (pad, info) -> {
                t.framesEncoded.incrementAndGet();
                return PadProbeReturn.OK;
            };
            t.encoder.getStaticPad("src").addProbe(PadProbeType.BUFFER, countFrames);
            keepAlive.addAll(TrackProbes.attach(this, pipeline, t));
            // PLI/FIR from browsers arrive as force-key-unit events through the tee; route them
            // through the rate limiter instead of letting each one reach the encoder.
            Pad.PROBE gateKeyframes = (pad, info) -> {
                if (info.getEvent() != null && ForceKeyUnit.isForceKeyUnit(info.getEvent())) {
                    requestKeyframe(t, MediaObserver.KEYFRAME_PLI);
                    return PadProbeReturn.DROP;
                }
                return PadProbeReturn.OK;
            };
            t.tee.getStaticPad("sink").addProbe(PadProbeType.EVENT_UPSTREAM, gateKeyframes);
            keepAlive.add(countFrames);
            keepAlive.add(gateKeyframes);
            tracks.put(name, t);
        }
        if (description.gl()) {
            configureShaders();
        }
        Map<Eye, AppSrc> appsrcs = new EnumMap<>(Eye.class);
        for (Eye eye : Eye.values()) {
            if (config.camera(eye).source() == SourceType.TEST) {
                appsrcs.put(eye, (AppSrc) pipeline.getElementByName("src_" + eye.key()));
            }
        }
        testSources.putAll(appsrcs);
        for (Eye eye : Eye.values()) {
            keepAlive.addAll(TrackProbes.attachCapture(pipeline, eye, () -> observer));
        }
        pipeline.play();
        if (!appsrcs.isEmpty()) {
            testSource = new TestSourceDriver(pipeline, appsrcs, config.stream().width(), config.stream().height(),
                    config.stream().fps());
            testSource.start();
        }
    }

    /** Loads the rectification shader and this eye's uniforms into each glshader. Gst executor. */
    private void configureShaders() {
        for (Eye eye : Eye.values()) {
            Element shader = pipeline.getElementByName("shader_" + eye.key());
            if (shader == null) {
                continue; // this eye uses the CPU elements (identity geometry at start)
            }
            shader.set("fragment", RectifyShader.fragmentSource());
            shader.set("uniforms", shaderUniforms(eye, config.camera(eye)));
        }
    }

    private Structure shaderUniforms(Eye eye, StereoConfig.CameraConfig cam) {
        var s = config.stream();
        boolean test = config.camera(eye).source() == SourceType.TEST;
        int inW = test ? s.width() : cam.capture().width();
        int inH = test ? s.height() : cam.capture().height();
        var out = GraphDescription.outputSize(config, eye);
        return Structure.fromString(RectifyShader.uniformsStructure(
                RectifyShader.uniforms(cam, inW, inH, out.width(), out.height())));
    }

    /**
     * New calibration for an eye while running: new uniforms for its glshader, or new properties
     * for its videocrop/videoflip/videobox (a crop renegotiates the size; the scaler keeps the
     * encoded size). Lens rectification needs the shader, so an eye built with the CPU elements
     * cannot start rectifying live while GL works (restart); without GL it is skipped, as at start.
     */
    @Override
    public void applyGeometry(Eye eye, StereoConfig.CameraConfig cam) throws StereoException {
        Pipeline p = pipeline;
        if (p == null || closed) {
            throw new StereoException("option3 is not running");
        }
        boolean hasShader = description.gl() && !config.camera(eye).isIdentityGeometry();
        if (!hasShader && !cam.distortion().isNone() && description.gl()) {
            throw new StereoException("cameras." + eye.key() + ".distortion: lens rectification needs the GL shader, "
                    + "which the " + eye.key() + " eye's running graph does not have (it started without geometry): "
                    + "restart to apply it");
        }
        GstThread.run(() -> {
            if (hasShader) {
                p.getElementByName("shader_" + eye.key()).set("uniforms", shaderUniforms(eye, cam));
                return;
            }
            var s = config.stream();
            boolean test = config.camera(eye).source() == SourceType.TEST;
            GraphDescription.cpuGeometry(cam, test ? s.width() : cam.capture().width(),
                    test ? s.height() : cam.capture().height()).forEach((key, value) -> {
                String[] ep = key.split("\\.", 2);
                Element e = p.getElementByName(ep[0] + "_" + eye.key());
                if (ep[1].equals("method")) {
                    e.setAsString(ep[1], value);
                } else {
                    e.set(ep[1], Integer.parseInt(value));
                }
            });
        }, 5_000);
        LOG.info("{} eye geometry applied live ({}): crop {}, flip h={} v={}, rotation {}, offset {},{}", eye.key(),
                hasShader ? "shader uniforms" : "CPU elements", cam.crop(), cam.flipHorizontal(), cam.flipVertical(),
                cam.rotation(), cam.offsetX(), cam.offsetY());
    }

    /** Asks the track's encoder for an IDR, rate-limited; safe from any thread. */
    void requestKeyframe(Track t, String reason) {
        observer.keyframeRequested(t.metricKey, reason);
        long delay = t.gate.request();
        if (delay == 0) {
            t.forcedReason = reason;
            ForceKeyUnit.requestUpstream(t.encoder.getStaticPad("src"));
        } else if (delay > 0) {
            Gst.getExecutor().schedule(() -> {
                if (t.gate.fireDeferred() && !closed) {
                    t.forcedReason = reason;
                    ForceKeyUnit.requestUpstream(t.encoder.getStaticPad("src"));
                }
            }, delay, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void observe(MediaObserver observer) {
        this.observer = observer == null ? MediaObserver.NONE : observer;
    }

    /** The observer events go to (viewers report what they send through it). */
    MediaObserver observer() {
        return observer;
    }

    /**
     * Nanoseconds since the buffer's frame was captured: its PTS is the capture instant in
     * running time (the test source stamps it so; live camera sources timestamp on capture), so
     * running time now minus PTS. -1 when the pipeline has no clock yet. Streaming threads.
     */
    long sinceCapture(long pts) {
        Clock c = clock;
        if (c == null) {
            Pipeline p = pipeline;
            c = p == null ? null : p.getClock();
            if (c == null || p.getState(0) != State.PLAYING) {
                return -1;
            }
            baseTime = p.getBaseTime();
            clock = c;
        }
        return pts < 0 ? -1 : Math.max(0, c.getTime() - baseTime - pts);
    }

    @Override
    public void setBitrate(Eye eye, double mbps) throws StereoException {
        Object value = encoder == null ? null : encoder.bitrateValue(mbps);
        if (value == null || pipeline == null) {
            throw new StereoException("option3 with " + (encoder == null ? "no encoder" : encoder.element())
                    + " cannot change the bitrate while running");
        }
        Track t = tracks.get(tracks.containsKey("sbs") ? "sbs" : eye.key());
        t.encoder.set("bitrate", value);
        bitrates.put(eye, mbps);
    }

    /**
     * Changes the frame rate live when both eyes are the test source: the driver ticks at the new
     * rate and the appsrc caps say so (the encoders renegotiate and restart their GOP; viewers stay).
     * A camera's capture caps are fixed when its graph starts, so then this refuses (restart).
     */
    @Override
    public void setFrameRate(int newFps) throws StereoException {
        Pipeline p = pipeline;
        TestSourceDriver driver = testSource;
        if (p == null || closed) {
            throw new StereoException("option3 is not running");
        }
        for (Eye eye : Eye.values()) {
            if (config.camera(eye).source() != SourceType.TEST) {
                throw new StereoException("option3 cannot change the frame rate of the " + eye.key() + " eye's "
                        + config.camera(eye).source().name().toLowerCase(java.util.Locale.ROOT)
                        + " camera while running (its capture format is fixed at start): set stream.fps and restart");
            }
        }
        if (newFps == fps) {
            return;
        }
        var s = config.stream();
        String caps = "video/x-raw,format=I420,width=" + s.width() + ",height=" + s.height() + ",framerate=" + newFps + "/1";
        GstThread.run(() -> testSources.values().forEach(src -> src.setCaps(org.freedesktop.gstreamer.Caps.fromString(caps))),
                5_000);
        driver.setFps(newFps);
        LOG.info("frame rate {} -> {} fps (live, test source)", fps, newFps);
        fps = newFps;
    }

    @Override
    public void requestKeyframe() {
        for (Track t : tracks.values()) {
            requestKeyframe(t, MediaObserver.KEYFRAME_MANUAL);
        }
    }

    @Override
    public ViewerSession connect(String offerSdp) throws StereoException {
        if (!"running".equals(state)) {
            throw new StereoException("the pipeline is not running" + (error == null ? "" : ": " + error));
        }
        SdpOffer offer = SdpOffer.parse(offerSdp, tracks.size());
        GraphViewer viewer = new GraphViewer(this, offer);
        GstThread.run(() -> viewer.attach(pipeline, new ArrayList<>(tracks.values())), 5_000);
        try {
            viewer.negotiate();
        } catch (StereoException | RuntimeException e) {
            viewer.close();
            throw e;
        }
        viewers.put(viewer.id(), viewer);
        viewer.onClosed(v -> viewers.remove(v.id()));
        for (Track t : tracks.values()) {
            requestKeyframe(t, MediaObserver.KEYFRAME_JOIN);
        }
        return viewer;
    }

    /** Called by a viewer when it closes: unlinks its branches on the Gst executor. */
    void detach(GraphViewer viewer) {
        viewers.remove(viewer.id());
        if (pipeline == null) {
            return;
        }
        try {
            GstThread.run(() -> viewer.detach(pipeline), 5_000);
        } catch (StereoException e) {
            LOG.warn("viewer {} could not be detached cleanly: {}", viewer.id(), e.getMessage());
        }
    }

    @Override
    public PipelineStatus status() {
        Map<String, PipelineStatus.EyeStatus> eyes = new LinkedHashMap<>();
        for (Eye eye : Eye.values()) {
            var cam = config.camera(eye);
            Track t = tracks.get(tracks.containsKey("sbs") ? "sbs" : eye.key());
            String source = cam.source().name().toLowerCase(java.util.Locale.ROOT)
                    + (cam.device() == null ? "" : ":" + cam.device());
            var size = GraphDescription.outputSize(config, eye);
            eyes.put(eye.key(), new PipelineStatus.EyeStatus(source, encoder == null ? null : encoder.element(),
                    encoder == null ? null : encoder.reason(), size.width(), size.height(),
                    fps, bitrates.getOrDefault(eye, cam.bitrateMbps()),
                    t == null ? 0 : t.framesEncoded.get()));
        }
        return new PipelineStatus(name(), state, config.stream().layout().key(), eyes, viewers.size(),
                countEncoders());
    }

    /** Video encoder elements in the running graph, viewer branches included (webrtcbin's DTLS/SRTP "encoders" are not counted). */
    public int countEncoders() {
        return countElements("Codec/Encoder/Video");
    }

    /** Decoder elements in the graph: none should ever be there (passthrough to viewers). */
    public int countDecoders() {
        return countElements("Codec/Decoder");
    }

    /** Elements anywhere in the graph whose factory class contains {@code klassPart}. */
    private int countElements(String klassPart) {
        Pipeline p = pipeline;
        if (p == null) {
            return 0;
        }
        int n = 0;
        for (Element e : p.getElementsRecursive()) {
            if (e.getFactory() != null && e.getFactory().getKlass().contains(klassPart)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (GraphViewer v : List.copyOf(viewers.values())) {
            v.close();
        }
        if (testSource != null) {
            testSource.close();
        }
        Pipeline p = pipeline;
        if (p != null) {
            try {
                GstThread.run(() -> {
                    p.setState(State.NULL);
                    p.getState(TimeUnit.SECONDS.toNanos(5));
                    p.dispose();
                }, 10_000);
            } catch (StereoException e) {
                LOG.warn("pipeline did not stop cleanly: {}", e.getMessage());
            }
        }
        state = "stopped";
    }
}
