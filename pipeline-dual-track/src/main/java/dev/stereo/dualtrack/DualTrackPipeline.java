package dev.stereo.dualtrack;

import dev.stereo.calibration.LiveGeometry;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.SourceType;
import dev.stereo.core.Eye;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoException;
import dev.stereo.core.StereoPipeline;
import dev.stereo.core.ViewerSession;
import dev.stereo.core.gst.GstThread;
import dev.stereo.core.metrics.MediaObserver;
import dev.stereo.core.sdp.SdpOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Option 2, dual-track passthrough: Java owns capture and H.264 encoding per eye (JavaCPP
 * FFmpeg: {@code h264_v4l2m2m}, {@code libx264} or {@code libopenh264}; or an external encoder
 * process), and every viewer gets the encoded access units as they are, on two WebRTC video
 * tracks (left first). One encoder per eye, whatever the number of viewers.
 *
 * <pre>
 *  test source (one tick, both eyes) ─┐
 *  libcamerasrc → appsink (per eye)  ─┼→ FrameMailbox → EyeEncoder (FFmpeg) ─┐
 *  V4L2 via libavdevice (per eye)    ─┘                                       ├→ AccessUnitBroadcaster (per eye)
 *  external encoder stdout → AnnexBSplitter ──────────────────────────────────┘      │ bounded queue per viewer
 *                                             viewer: appsrc → rtph264pay → webrtcbin (own pipeline)
 * </pre>
 *
 * <p>Needs: a validated {@link StereoConfig} with every camera source resolved (TEST, LIBCAMERA or
 * V4L2, never AUTO) and {@code layout: dual-track}; GStreamer initialised by the caller
 * ({@code Gst.init}) before {@link #start()}, as for option3. FFmpeg's natives load on first use.
 *
 * <p>Lifecycle: the constructor has no side effects; {@link #start()} opens encoders and sources
 * (failures are {@link StereoException}s saying what and why, and leave nothing open);
 * {@link #close()} closes viewers, sources and encoders, idempotently. Ownership: this class owns
 * every encoder (through {@link EyeEncoder}), source, broadcaster and viewer. Threads:
 * {@link #connect}, {@link #status} and {@link #close} from any thread.
 */
public final class DualTrackPipeline implements StereoPipeline, LiveGeometry {

    private static final Logger LOG = LoggerFactory.getLogger(DualTrackPipeline.class);

    private final StereoConfig config;
    private final DualTrackOptions options;
    private final Map<Eye, Track> tracks = new EnumMap<>(Eye.class);
    private final Map<String, DualTrackViewer> viewers = new ConcurrentHashMap<>();
    private final List<AutoCloseable> sources = new ArrayList<>();
    /** Each eye's geometry as last applied (the YAML's at start, then live changes). */
    private final Map<Eye, CameraConfig> geometry = new ConcurrentHashMap<>();
    private final Map<Eye, LibcameraFrameSource> cameras = new EnumMap<>(Eye.class);
    private TestFrameSource testSource;
    private volatile java.util.function.Consumer<DualTrackViewer> viewerBuilt = v -> { };
    private volatile MediaObserver observer = MediaObserver.NONE;
    private volatile String state = "stopped";
    private volatile String error;
    private boolean started;
    private boolean closed;

    /** One eye: its keyframe requests, its fan-out, and whatever encodes it. */
    static final class Track {
        final Eye eye;
        final EncoderSettings settings;
        final KeyframeRequests keyframes;
        final AccessUnitBroadcaster broadcaster;
        String source;
        FrameMailbox mailbox;
        EyeEncoder encoder;
        ExternalEncoderSource external;

        final Supplier<MediaObserver> observer;

        Track(Eye eye, EncoderSettings settings, long keyframeMinIntervalMs, Supplier<MediaObserver> observer) {
            this.eye = eye;
            this.settings = settings;
            this.observer = observer;
            this.keyframes = new KeyframeRequests(TimeUnit.MILLISECONDS.toNanos(keyframeMinIntervalMs), System::nanoTime);
            this.broadcaster = new AccessUnitBroadcaster(eye.key(), this::requestKeyframe);
            String key = eye.key();
            broadcaster.onSlowViewerDrop(() -> observer.get().framesDropped(key, MediaObserver.DROP_SLOW_VIEWER, 1));
            // Every unit published, whoever encoded it (FFmpeg or an external process).
            broadcaster.tap(au -> {
                MediaObserver o = observer.get();
                o.frameEncoded(key, au.size());
                if (external != null && au.isIdr()) {
                    o.keyframeProduced(key, MediaObserver.KEYFRAME_INTERVAL); // nobody can ask the process
                }
            });
        }

        /** Counts the request, then asks the encoder (rate-limited there). Any thread. */
        void requestKeyframe(String reason) {
            observer.get().keyframeRequested(eye.key(), reason);
            keyframes.requestFor(reason);
        }

        CodecChoice choice() {
            return external != null ? external.choice() : encoder != null ? encoder.choice() : null;
        }

        long framesEncoded() {
            return external != null ? external.units() : encoder != null ? encoder.framesEncoded() : 0;
        }

        boolean encoderAlive() {
            return external != null ? external.isAlive() : encoder != null && encoder.isAlive();
        }
    }

    /**
     * With {@link DualTrackOptions#from}: the defaults, and an external encoder for each eye
     * whose {@code external_encoder} is set in the YAML.
     */
    public DualTrackPipeline(StereoConfig config) {
        this(config, DualTrackOptions.from(config));
    }

    /**
     * @param config validated, sources resolved (never AUTO, except for an eye with an external
     *     encoder), layout dual-track
     * @param options external encoders per eye, codec order, queue sizes; used as given (the
     *     config's {@code external_encoder} keys are read by {@link DualTrackOptions#from} only)
     */
    public DualTrackPipeline(StereoConfig config, DualTrackOptions options) {
        this.config = config;
        this.options = options;
    }

    /**
     * The encoder each eye would get on this machine and why, opening nothing for longer than the
     * probe (for {@code stereo check}; {@link #status()} reports the same once running). An eye
     * with an external encoder in {@code options} reports that instead.
     */
    public static Map<Eye, CodecChoice> probeEncoders(StereoConfig config, DualTrackOptions options) {
        Map<Eye, CodecChoice> out = new EnumMap<>(Eye.class);
        for (Eye eye : Eye.values()) {
            ExternalEncoderSettings ext = options.external().get(eye);
            out.put(eye, ext != null
                    ? new CodecChoice("external:" + ext.program(), "an external encoder command is configured for this eye")
                    : FfmpegEncoder.probe(EncoderSettings.of(config, eye)));
        }
        return out;
    }

    @Override
    public String name() {
        return "option2";
    }

    @Override
    public synchronized void start() throws StereoException {
        if (closed) {
            throw new StereoException("pipeline already closed");
        }
        if (started) {
            throw new StereoException("pipeline already started");
        }
        started = true;
        state = "starting";
        try {
            open();
        } catch (StereoException | RuntimeException e) {
            state = "error";
            error = e.getMessage();
            shutdown();
            state = "error";
            throw e instanceof StereoException se ? se : new StereoException("option2 could not start: " + e, e);
        }
        state = "running";
    }

    private void open() throws StereoException {
        if (config.stream().layout() != StereoConfig.Layout.DUAL_TRACK) {
            throw new StereoException("option2 sends one track per eye; layout \""
                    + config.stream().layout().key() + "\" needs --pipeline=option3");
        }
        for (Eye eye : Eye.values()) {
            tracks.put(eye, new Track(eye, EncoderSettings.of(config, eye), options.keyframeMinIntervalMs(),
                    () -> observer));
        }
        Map<Eye, FrameMailbox> testEyes = new EnumMap<>(Eye.class);
        Map<Eye, TestFrameSource.Size> testSizes = new EnumMap<>(Eye.class);
        for (Track t : tracks.values()) {
            CameraConfig cam = config.camera(t.eye);
            ExternalEncoderSettings ext = options.external().get(t.eye);
            if (ext != null) {
                List<String> command = ext.expand(placeholders(t, cam));
                t.external = new ExternalEncoderSource(t.eye, ext, command, t.broadcaster);
                t.source = "external:" + ext.program();
                continue;
            }
            if (cam.source() == SourceType.AUTO) {
                throw new StereoException("cameras." + t.eye.key() + ".source is auto: the app resolves it "
                        + "before building a pipeline");
            }
            FfmpegEncoder enc = FfmpegEncoder.open(t.settings, options.codecs());
            LOG.info("{} eye encoder: {} ({})", t.eye.key(), enc.choice().codec(), enc.choice().reason());
            t.mailbox = new FrameMailbox(t.settings.width() * t.settings.height() * 3 / 2, 3);
            t.encoder = new EyeEncoder(t.eye, enc, t.mailbox, t.keyframes, t.broadcaster, this::encoderFailed,
                    () -> observer);
            t.source = cam.source().name().toLowerCase(Locale.ROOT) + (cam.device() == null ? "" : ":" + cam.device());
            switch (cam.source()) {
                case TEST -> {
                    testEyes.put(t.eye, t.mailbox);
                    testSizes.put(t.eye, new TestFrameSource.Size(t.settings.width(), t.settings.height()));
                }
                case V4L2 -> sources.add(new V4l2FrameSource(t.eye, cam.device() == null ? "/dev/video" + t.eye.id()
                        : cam.device(), t.settings.width(), t.settings.height(), t.settings.fps(), t.mailbox,
                        this::sourceFailed));
                case LIBCAMERA -> {
                    LibcameraFrameSource ls = new LibcameraFrameSource(t.eye, cam, t.settings.width(),
                            t.settings.height(), t.settings.fps(), t.mailbox, this::sourceFailed);
                    cameras.put(t.eye, ls);
                    sources.add(ls);
                }
                default -> throw new IllegalStateException("unhandled source " + cam.source());
            }
        }
        if (!testEyes.isEmpty()) {
            testSource = new TestFrameSource(testEyes, testSizes, config.stream().fps());
            for (Eye eye : testEyes.keySet()) {
                CameraConfig cam = config.camera(eye);
                testSource.flip(eye, flipsX(cam), flipsY(cam));
            }
            sources.add(0, testSource);
        }
        for (Eye eye : Eye.values()) {
            geometry.put(eye, config.camera(eye));
        }
        for (Track t : tracks.values()) {
            if (t.encoder != null) {
                t.encoder.start();
            }
        }
        for (AutoCloseable s : sources) {
            if (s instanceof TestFrameSource ts) {
                ts.start();
            } else if (s instanceof V4l2FrameSource vs) {
                vs.start();
            } else if (s instanceof LibcameraFrameSource ls) {
                ls.start();
            }
        }
        for (Track t : tracks.values()) {
            if (t.external != null) {
                t.external.start();
            }
        }
    }

    private static Map<String, String> placeholders(Track t, CameraConfig cam) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("width", Integer.toString(t.settings.width()));
        m.put("height", Integer.toString(t.settings.height()));
        m.put("fps", Integer.toString(t.settings.fps()));
        m.put("bitrate_kbps", Long.toString(t.settings.bitrate() / 1000));
        m.put("bitrate", Long.toString(t.settings.bitrate()));
        m.put("gop", Integer.toString(t.settings.gopFrames()));
        m.put("camera", cam.device() == null ? Integer.toString(t.eye.id()) : cam.device());
        return m;
    }

    private void encoderFailed(EncoderException e) {
        fail(e.getMessage());
    }

    private void sourceFailed(StereoException e) {
        fail(e.getMessage());
    }

    private void fail(String message) {
        if (closed) {
            return;
        }
        error = message;
        state = "error";
        LOG.error("option2 pipeline error: {}", message);
    }

    /**
     * Changes the eye's target bitrate from its next frame on, without reopening the encoder or
     * touching viewers. libx264 only (see {@link FfmpegEncoder#setBitrate}); an external encoder
     * process, {@code h264_v4l2m2m} and {@code libopenh264} cannot, and say why. Any thread.
     */
    @Override
    public synchronized void setBitrate(Eye eye, double mbps) throws StereoException {
        if (!(mbps >= 0.001) || Double.isInfinite(mbps)) {
            throw new StereoException("bitrate must be a positive number of Mbit/s (at least 0.001), got " + mbps);
        }
        Track t = tracks.get(eye);
        if (t == null || (t.encoder == null && t.external == null)) {
            throw new StereoException("option2 is not running: there is no " + eye.key() + " eye encoder to change");
        }
        if (t.external != null) {
            throw new StereoException("the " + eye.key() + " eye is encoded by an external process ("
                    + t.external.choice().codec().substring("external:".length()) + "): its bitrate is set by "
                    + "its command line, which option2 cannot change while it runs");
        }
        String codec = t.encoder.choice().codec();
        String why = FfmpegEncoder.liveBitrateUnsupported(codec);
        if (why != null) {
            throw new StereoException("option2 cannot change the " + eye.key() + " eye's bitrate while running: " + why);
        }
        long bps = Math.round(mbps * 1_000_000);
        long before = t.encoder.ffmpeg().bitrate();
        t.encoder.ffmpeg().setBitrate(bps);
        if (bps != before) {
            LOG.info("{} eye: {} bitrate {} -> {} kbit/s (live)", eye.key(), codec, before / 1000, bps / 1000);
        }
    }

    private static boolean flipsX(CameraConfig cam) {
        return cam.flipHorizontal() != (cam.rotation() == 180);
    }

    private static boolean flipsY(CameraConfig cam) {
        return cam.flipVertical() != (cam.rotation() == 180);
    }

    /**
     * New calibration for an eye while running. Option2 applies flips and 180 degree rotation
     * (in Java for the test source, with the capture graph's videoflip for a libcamera camera);
     * a changed crop needs a restart, and alignment offsets and lens rectification are option3's
     * (GL). The flips are applied even when something else in the change cannot be, then this
     * throws naming what was not applied.
     */
    @Override
    public synchronized void applyGeometry(Eye eye, CameraConfig cam) throws StereoException {
        Track t = tracks.get(eye);
        if (t == null || closed) {
            throw new StereoException("option2 is not running");
        }
        CameraConfig now = geometry.get(eye);
        List<String> notApplied = new ArrayList<>();
        if (flipsX(now) != flipsX(cam) || flipsY(now) != flipsY(cam)) {
            if (testSource != null && config.camera(eye).source() == SourceType.TEST && t.encoder != null) {
                testSource.flip(eye, flipsX(cam), flipsY(cam));
            } else if (cameras.containsKey(eye)) {
                cameras.get(eye).flip(cam);
            } else {
                notApplied.add("flips/rotation (option2's " + t.source + " source applies no geometry)");
            }
        }
        if (!cam.crop().equals(now.crop())) {
            notApplied.add("crop (option2 builds it into the capture graph: restart to apply)");
        }
        if (cam.offsetX() != now.offsetX() || cam.offsetY() != now.offsetY()
                || !cam.distortion().equals(now.distortion()) || !java.util.Objects.equals(cam.intrinsics(), now.intrinsics())) {
            notApplied.add("offset_x/offset_y and lens rectification (option3 applies them, on the GPU)");
        }
        geometry.put(eye, cam);
        LOG.info("{} eye geometry applied live: flip h={} v={}, rotation {}", eye.key(), cam.flipHorizontal(),
                cam.flipVertical(), cam.rotation());
        if (!notApplied.isEmpty()) {
            throw new StereoException("option2 did not apply to the " + eye.key() + " eye: " + String.join("; ", notApplied));
        }
    }

    /**
     * Asks every eye's encoder for an IDR with SPS/PPS, through the same rate-limited path as a
     * viewer's PLI. An eye fed by an external encoder process cannot be asked (nothing reaches the
     * process; its next IDR comes with its GOP): the other eye is still asked, then this throws.
     */
    @Override
    public synchronized void requestKeyframe() throws StereoException {
        if (tracks.isEmpty()) {
            throw new StereoException("option2 is not running: there is no encoder to ask for a keyframe");
        }
        List<String> cannot = new ArrayList<>();
        for (Track t : tracks.values()) {
            if (t.external != null) {
                cannot.add(t.eye.key());
            } else {
                t.requestKeyframe(MediaObserver.KEYFRAME_MANUAL);
            }
        }
        if (!cannot.isEmpty()) {
            throw new StereoException("the " + String.join(" and ", cannot) + " eye"
                    + (cannot.size() > 1 ? "s are" : " is") + " encoded by an external process, which cannot be "
                    + "asked for a keyframe (its next IDR comes with its GOP)"
                    + (cannot.size() < tracks.size() ? "; the other eye was asked" : ""));
        }
    }

    /** A viewer's PLI/FIR: asks the eye's encoder for an IDR (rate-limited there). Any thread. */
    void requestKeyframe(Eye eye) {
        Track t = tracks.get(eye);
        if (t != null) {
            t.requestKeyframe(MediaObserver.KEYFRAME_PLI);
        }
    }

    @Override
    public void observe(MediaObserver observer) {
        this.observer = observer == null ? MediaObserver.NONE : observer;
    }

    /** Where viewers report what they send. */
    MediaObserver observer() {
        return observer;
    }

    int viewerQueueUnits() {
        return options.viewerQueueUnits();
    }

    /** The eye's fan-out (tests tap it). */
    AccessUnitBroadcaster broadcaster(Eye eye) {
        return tracks.get(eye).broadcaster;
    }

    /** The eye's keyframe requests (tests count them). */
    KeyframeRequests keyframes(Eye eye) {
        return tracks.get(eye).keyframes;
    }

    /** The FFmpeg encoder thread of an eye, or null (tests). */
    EyeEncoder encoder(Eye eye) {
        Track t = tracks.get(eye);
        return t == null ? null : t.encoder;
    }

    /** The external encoder of an eye, or null. */
    ExternalEncoderSource external(Eye eye) {
        Track t = tracks.get(eye);
        return t == null ? null : t.external;
    }

    @Override
    public ViewerSession connect(String offerSdp) throws StereoException {
        if (!"running".equals(state)) {
            throw new StereoException("the pipeline is not running" + (error == null ? "" : ": " + error));
        }
        SdpOffer offer = SdpOffer.parse(offerSdp, tracks.size());
        DualTrackViewer viewer = new DualTrackViewer(this, offer, new ArrayList<>(tracks.values()));
        viewers.put(viewer.id(), viewer);
        try {
            GstThread.run(viewer::build, 5_000);
            viewerBuilt.accept(viewer);
            viewer.negotiate();
        } catch (StereoException | RuntimeException e) {
            viewer.close();
            throw e;
        }
        viewer.startSending();
        synchronized (this) {
            if (closed) {
                viewer.close();
                throw new StereoException("the pipeline was closed");
            }
        }
        return viewer;
    }

    /** Tests: sees each viewer after its pipeline is built, before any unit is sent to it. */
    void onViewerBuilt(java.util.function.Consumer<DualTrackViewer> hook) {
        viewerBuilt = hook;
    }

    /** A viewer has closed: forget it. */
    void viewerClosed(DualTrackViewer viewer) {
        viewers.remove(viewer.id());
    }

    /** Viewers currently open (tests). */
    List<DualTrackViewer> viewers() {
        return List.copyOf(viewers.values());
    }

    @Override
    public PipelineStatus status() {
        Map<String, PipelineStatus.EyeStatus> eyes = new LinkedHashMap<>();
        int encoders = 0;
        for (Eye eye : Eye.values()) {
            CameraConfig cam = config.camera(eye);
            Track t = tracks.get(eye);
            EncoderSettings s = t != null ? t.settings : EncoderSettings.of(config, eye);
            CodecChoice choice = t == null ? null : t.choice();
            String source = t != null && t.source != null ? t.source
                    : cam.source().name().toLowerCase(Locale.ROOT) + (cam.device() == null ? "" : ":" + cam.device());
            if (t != null && t.encoderAlive()) {
                encoders++;
            }
            eyes.put(eye.key(), new PipelineStatus.EyeStatus(source, choice == null ? null : choice.codec(),
                    choice == null ? null : choice.reason(), s.width(), s.height(), s.fps(), t == null
                    || t.encoder == null ? s.bitrateMbps() : t.encoder.ffmpeg().bitrate() / 1e6,
                    t == null ? 0 : t.framesEncoded()));
        }
        return new PipelineStatus(name(), state, config.stream().layout().key(), eyes, viewers.size(), encoders);
    }

    /** The last error (state "error"), or null. */
    public String error() {
        return error;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        shutdown();
        state = "stopped";
    }

    /** Viewers, then sources, then encoders (so no encoder is freed while fed). */
    private void shutdown() {
        for (DualTrackViewer v : List.copyOf(viewers.values())) {
            v.close();
        }
        for (AutoCloseable s : sources) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", s.getClass().getSimpleName(), e.getMessage());
            }
        }
        sources.clear();
        for (Track t : tracks.values()) {
            if (t.mailbox != null) {
                t.mailbox.close();
            }
            if (t.encoder != null) {
                t.encoder.close();
            }
            if (t.external != null) {
                t.external.close();
            }
        }
    }
}
