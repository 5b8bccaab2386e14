package dev.stereo.dualtrack;

import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.Crop;
import dev.stereo.core.Eye;
import dev.stereo.core.StereoException;
import dev.stereo.core.gst.GstThread;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Clock;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.elements.AppSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One eye's frames from a Pi camera through libcamera, as GStreamer's
 * {@code libcamerasrc ! video/x-raw,format=I420,... ! appsink}.
 *
 * <p>Why this path (and not FFmpeg's v4l2 input under libcamera's V4L2 compatibility layer): on
 * a Pi 5 the camera is only reachable through libcamera (PiSP ISP); {@code libcamerasrc} is
 * libcamera's own element, so the ISP does format conversion and scaling to the eye's size for
 * free and frames carry the sensor timestamp. The compat layer works by {@code LD_PRELOAD}ing
 * {@code v4l2-compat.so} into the process, which would mean into the whole JVM, and it hides
 * per-camera selection behind emulated {@code /dev/video*} nodes. GStreamer is loaded anyway for
 * the viewers' WebRTC, so the appsink costs no new dependency.
 *
 * <p>Geometry: flips and 180° rotation use {@code videoflip}; a crop asks for the capture size
 * and crops and scales on the CPU. Alignment offsets and lens rectification are option3's (GL);
 * here they are reported once and not applied.
 *
 * <p>Capture time: the buffer's PTS (set by libcamerasrc from the sensor timestamp) converted to
 * the wall clock. Threads: the appsink callback runs on the capture pipeline's streaming thread
 * and copies each frame into the eye's {@link FrameMailbox}; every {@link Sample} is released
 * there. Ownership: this object owns its small {@link Pipeline}; state changes and dispose run on
 * the Gst executor.
 */
final class LibcameraFrameSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LibcameraFrameSource.class);

    private final Eye eye;
    private final CameraConfig camera;
    private final int width;
    private final int height;
    private final int fps;
    private final FrameMailbox mailbox;
    private final Consumer<StereoException> onError;
    private final List<Object> keepAlive = new ArrayList<>();
    private Pipeline pipeline;
    private AppSink sink;
    private volatile String error;
    private volatile boolean running;
    private boolean closed;

    LibcameraFrameSource(Eye eye, CameraConfig camera, int width, int height, int fps, FrameMailbox mailbox,
                         Consumer<StereoException> onError) {
        this.eye = eye;
        this.camera = camera;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.mailbox = mailbox;
        this.onError = onError;
    }

    /** The capture graph for this eye, in gst-launch syntax. */
    String launch() {
        String device = camera.device();
        String src = "libcamerasrc name=src" + (device == null ? "" : " camera-name=\"" + device.replace("\"", "") + "\"");
        String out = "video/x-raw,format=I420,width=" + width + ",height=" + height;
        String flip = flipMethod(camera);
        StringBuilder b = new StringBuilder(src);
        Crop c = camera.crop();
        if (c.isNone()) {
            // The ISP scales to the eye size and converts to I420: no CPU work per pixel.
            b.append(" ! ").append(out).append(",framerate=").append(fps).append("/1");
            // Always there (passthrough for "none") so a calibration change can flip live.
            b.append(" ! videoflip name=flip method=").append(flip);
        } else {
            int cw = camera.capture().width();
            int ch = camera.capture().height();
            int right = c.width() == 0 ? 0 : cw - c.x() - c.width();
            int bottom = c.height() == 0 ? 0 : ch - c.y() - c.height();
            b.append(" ! video/x-raw,format=NV12,width=").append(cw).append(",height=").append(ch)
                    .append(",framerate=").append(fps).append("/1")
                    .append(" ! videocrop left=").append(c.x()).append(" top=").append(c.y())
                    .append(" right=").append(right).append(" bottom=").append(bottom);
            b.append(" ! videoflip name=flip method=").append(flip);
            b.append(" ! videoconvertscale ! ").append(out);
        }
        b.append(" ! appsink name=sink max-buffers=1 drop=true sync=false emit-signals=true");
        return b.toString();
    }

    /** videoflip method for a camera's flips/rotation ("none" for none). */
    static String flipMethod(CameraConfig camera) {
        boolean h = camera.flipHorizontal();
        boolean v = camera.flipVertical();
        if (camera.rotation() == 180) {
            h = !h;
            v = !v;
        }
        if (h && v) {
            return "rotate-180";
        }
        return h ? "horizontal-flip" : v ? "vertical-flip" : "none";
    }

    /** Sets the flips and rotation of {@code cam} on the running capture graph. Any thread. */
    void flip(CameraConfig cam) throws StereoException {
        Pipeline p = pipeline;
        if (p == null || closed) {
            throw new StereoException(eye.key() + " eye capture is not running");
        }
        String method = flipMethod(cam);
        GstThread.run(() -> p.getElementByName("flip").setAsString("method", method), 2_000);
    }

    /** Builds and starts the capture graph; fails with the camera's own error (missing, busy). */
    void start() throws StereoException {
        if (camera.offsetX() != 0 || camera.offsetY() != 0 || !camera.distortion().isNone()) {
            LOG.warn("{} eye: offset_x/offset_y and lens distortion are not applied by option2 "
                    + "(option3 applies them on the GPU)", eye.key());
        }
        String launch = launch();
        LOG.info("{} eye capture: {}", eye.key(), launch);
        GstThread.run(() -> build(launch), 5_000);
        running = true;
        StateChangeReturn ret = GstThread.call(() -> pipeline.setState(State.PLAYING), 5_000);
        long deadline = System.currentTimeMillis() + 5_000;
        // libcamerasrc opens the camera while going to PAUSED; failures arrive as bus errors.
        while (error == null && System.currentTimeMillis() < deadline) {
            State state = GstThread.call(() -> pipeline.getState(50, TimeUnit.MILLISECONDS), 2_000);
            if (state == State.PLAYING) {
                break;
            }
            if (ret == StateChangeReturn.FAILURE) {
                sleep(50); // give the bus a moment to deliver the reason
                if (error == null) {
                    error = "the capture pipeline did not start";
                }
            }
        }
        if (error != null) {
            String e = error;
            close();
            throw new StereoException("libcamera camera " + (camera.device() == null ? "0" : camera.device())
                    + " (" + eye.key() + " eye): " + e);
        }
    }

    /** Runs on the Gst executor. */
    private void build(String launch) {
        pipeline = (Pipeline) Gst.parseLaunch(launch);
        sink = (AppSink) pipeline.getElementByName("sink");
        Bus.ERROR onBusError = (source, code, message) -> {
            error = message;
            if (running) {
                LOG.error("{} eye capture error from {}: {}", eye.key(), source.getName(), message);
                onError.accept(new StereoException("camera (" + eye.key() + " eye): " + message));
            }
        };
        AppSink.NEW_SAMPLE onSample = this::onSample;
        pipeline.getBus().connect(onBusError);
        sink.connect(onSample);
        keepAlive.add(onBusError);
        keepAlive.add(onSample);
    }

    /** Streaming thread: copy the frame into the mailbox, release the sample. */
    private FlowReturn onSample(AppSink appSink) {
        Sample sample = appSink.pullSample();
        if (sample == null) {
            return FlowReturn.EOS;
        }
        try {
            Buffer buffer = sample.getBuffer();
            FrameMailbox.RawFrame f = mailbox.acquire();
            if (buffer == null || f == null) {
                return FlowReturn.OK;
            }
            long age = ageNanos(buffer.getPresentationTimestamp());
            ByteBuffer src = buffer.map(false);
            try {
                copyI420(src, f.i420, width, height);
            } finally {
                buffer.unmap();
            }
            f.captureNanos = System.nanoTime() - age;
            f.captureEpochMs = System.currentTimeMillis() - age / 1_000_000L;
            mailbox.post(f);
            return FlowReturn.OK;
        } finally {
            sample.dispose();
        }
    }

    /** How long ago (ns) the frame with running-time {@code pts} was captured; 0 if unknown. */
    private long ageNanos(long pts) {
        Clock clock = pipeline.getClock();
        if (clock == null || pts < 0) {
            return 0;
        }
        long running = clock.getTime() - pipeline.getBaseTime();
        return Math.max(0, running - pts);
    }

    /**
     * Copies GStreamer's default I420 layout (strides rounded up to 4 bytes) into the tightly
     * packed layout the encoder takes.
     */
    static void copyI420(ByteBuffer src, ByteBuffer dst, int width, int height) {
        int strideY = (width + 3) & ~3;
        int cw = width / 2;
        int ch = height / 2;
        int strideC = (cw + 3) & ~3;
        int need = strideY * height + 2 * strideC * ch;
        if (src.remaining() < need) {
            throw new IllegalStateException("camera frame has " + src.remaining() + " bytes, I420 "
                    + width + "x" + height + " needs " + need);
        }
        int s = src.position();
        copyRows(src, s, strideY, dst, 0, width, height);
        int u = s + strideY * height;
        copyRows(src, u, strideC, dst, width * height, cw, ch);
        copyRows(src, u + strideC * ch, strideC, dst, width * height + cw * ch, cw, ch);
    }

    private static void copyRows(ByteBuffer src, int srcOff, int srcStride, ByteBuffer dst, int dstOff, int w, int rows) {
        if (srcStride == w) {
            dst.put(dstOff, src, srcOff, w * rows);
            return;
        }
        for (int y = 0; y < rows; y++) {
            dst.put(dstOff + y * w, src, srcOff + y * srcStride, w);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the camera and disposes the capture graph. Idempotent. */
    @Override
    public void close() {
        running = false;
        Pipeline p;
        synchronized (this) {
            p = pipeline;
            if (p == null || closed) {
                return;
            }
            closed = true; // the field stays set: the streaming thread may still read the clock
        }
        try {
            GstThread.run(() -> {
                p.setState(State.NULL);
                p.getState(TimeUnit.SECONDS.toNanos(3));
                if (sink != null) {
                    sink.dispose();
                }
                p.dispose();
            }, 5_000);
        } catch (StereoException e) {
            LOG.warn("{} eye capture did not stop cleanly: {}", eye.key(), e.getMessage());
        }
    }
}
