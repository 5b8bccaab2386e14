package dev.stereo.dualtrack;

import dev.stereo.core.Eye;
import dev.stereo.core.StereoException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_RAWVIDEO;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avdevice.avdevice_register_all;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_image_fill_arrays;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

/**
 * One eye's frames from a V4L2 capture device (USB cameras, or a Pi camera under libcamera's
 * V4L2 compatibility layer) through FFmpeg's {@code v4l2} input (libavdevice). Raw formats
 * (YUYV, NV12, I420, ...) are converted and scaled to the eye's I420 size with libswscale;
 * compressed-only devices (MJPEG) are refused with a clear error.
 *
 * <p>Capture time is the moment a frame is dequeued from the device (PROBE.md allows that).
 *
 * <p>Ownership: {@link #start()} opens the device (a missing or busy device is a
 * {@link StereoException} naming it); a thread then reads frames into the eye's
 * {@link FrameMailbox}; {@link #close()} stops the thread and frees the format context, packet and
 * scaler, all owned by this object.
 */
final class V4l2FrameSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(V4l2FrameSource.class);

    private static boolean devicesRegistered;

    private final Eye eye;
    private final String device;
    private final int width;
    private final int height;
    private final int fps;
    private final FrameMailbox mailbox;
    private final Consumer<StereoException> onError;
    private AVFormatContext format;
    private AVPacket packet;
    private SwsContext scaler;
    private int srcWidth;
    private int srcHeight;
    private int srcFormat;
    private final PointerPointer<BytePointer> srcData = new PointerPointer<>(4);
    private final IntPointer srcStride = new IntPointer(4);
    private final IntPointer dstStride = new IntPointer(3);
    private final Map<FrameMailbox.RawFrame, PointerPointer<BytePointer>> dstPlanes = new IdentityHashMap<>();
    private volatile boolean running;
    private Thread thread;

    V4l2FrameSource(Eye eye, String device, int width, int height, int fps, FrameMailbox mailbox,
                    Consumer<StereoException> onError) {
        this.eye = eye;
        this.device = device;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.mailbox = mailbox;
        this.onError = onError;
    }

    private static synchronized void registerDevices() {
        if (!devicesRegistered) {
            avdevice_register_all();
            devicesRegistered = true;
        }
    }

    /** Opens the device and starts reading. */
    void start() throws StereoException {
        registerDevices();
        AVInputFormat v4l2 = av_find_input_format("v4l2");
        if (v4l2 == null) {
            throw new StereoException("this FFmpeg build has no V4L2 input; use source: libcamera or test");
        }
        AVDictionary options = new AVDictionary(null);
        av_dict_set(options, "video_size", width + "x" + height, 0);
        av_dict_set(options, "framerate", Integer.toString(fps), 0);
        AVFormatContext ctx = new AVFormatContext(null);
        int ret = avformat_open_input(ctx, device, v4l2, options);
        av_dict_free(options);
        if (ret < 0) {
            throw new StereoException("V4L2 device " + device + " (" + eye.key() + " eye) could not be opened: "
                    + FfmpegErrors.text(ret) + hint(ret));
        }
        format = ctx;
        try {
            if (format.nb_streams() < 1) {
                throw new StereoException("V4L2 device " + device + " opened but offers no video stream");
            }
            AVCodecParameters par = format.streams(0).codecpar();
            if (par.codec_id() != AV_CODEC_ID_RAWVIDEO) {
                throw new StereoException("V4L2 device " + device + " only delivers "
                        + avcodec_get_name(par.codec_id()).getString() + " at " + width + "x" + height
                        + "; option2 needs raw frames (YUYV, NV12, I420): pick another size or use option3");
            }
            srcWidth = par.width();
            srcHeight = par.height();
            srcFormat = par.format();
            scaler = sws_getContext(srcWidth, srcHeight, srcFormat, width, height, AV_PIX_FMT_YUV420P,
                    SWS_BILINEAR, null, null, (DoublePointer) null);
            if (scaler == null) {
                throw new StereoException("V4L2 device " + device + ": cannot convert "
                        + av_get_pix_fmt_name(srcFormat).getString() + " " + srcWidth + "x" + srcHeight + " to I420");
            }
            packet = av_packet_alloc();
        } catch (StereoException e) {
            close();
            throw e;
        }
        LOG.info("{} eye: V4L2 {} delivers {} {}x{}, scaled to I420 {}x{}", eye.key(), device,
                av_get_pix_fmt_name(srcFormat).getString(), srcWidth, srcHeight, width, height);
        dstStride.put(0, width).put(1, width / 2).put(2, width / 2);
        running = true;
        thread = new Thread(this::loop, "v4l2-" + eye.key());
        thread.setDaemon(true);
        thread.start();
    }

    private static String hint(int ret) {
        return switch (ret) {
            case -2 -> " (no such device: check cameras.<eye>.device, or `stereo check`)";
            case -16 -> " (busy: another process holds it; `stereo reclaim` frees it)";
            case -13 -> " (permission denied: add the user to the video group)";
            default -> "";
        };
    }

    private void loop() {
        try {
            while (running) {
                int ret = av_read_frame(format, packet);
                if (ret < 0) {
                    if (running) {
                        onError.accept(new StereoException("V4L2 device " + device + " (" + eye.key()
                                + " eye) stopped delivering frames: " + FfmpegErrors.text(ret)));
                    }
                    return;
                }
                long nanos = System.nanoTime();
                long epochMs = System.currentTimeMillis();
                try {
                    FrameMailbox.RawFrame f = mailbox.acquire();
                    if (f == null) {
                        continue;
                    }
                    av_image_fill_arrays(srcData, srcStride, packet.data(), srcFormat, srcWidth, srcHeight, 1);
                    sws_scale(scaler, srcData, srcStride, 0, srcHeight, planes(f), dstStride);
                    f.captureNanos = nanos;
                    f.captureEpochMs = epochMs;
                    mailbox.post(f);
                } finally {
                    av_packet_unref(packet);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("{} eye V4L2 reader failed", eye.key(), e);
            onError.accept(new StereoException("V4L2 reader for " + device + " failed: " + e));
        }
    }

    /** The frame's Y, U and V plane addresses, made once per pooled frame. */
    private PointerPointer<BytePointer> planes(FrameMailbox.RawFrame f) {
        return dstPlanes.computeIfAbsent(f, k -> {
            int y = width * height;
            int c = (width / 2) * (height / 2);
            return new PointerPointer<>(
                    new BytePointer(k.i420.slice(0, y)),
                    new BytePointer(k.i420.slice(y, c)),
                    new BytePointer(k.i420.slice(y + c, c)));
        });
    }

    /** Stops the reader and frees everything. Idempotent. */
    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2000); // av_read_frame returns within a frame time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("{} eye V4L2 reader did not stop; leaving the device open", eye.key());
                return;
            }
            thread = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (scaler != null) {
            sws_freeContext(scaler);
            scaler = null;
        }
        if (format != null) {
            avformat_close_input(format);
            format = null;
        }
    }
}
