package dev.stereo.dualtrack;

import dev.stereo.calibration.StereoConfig.SpsPpsMode;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_count;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_log_get_level;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * One eye's H.264 encoder in FFmpeg's libavcodec (through JavaCPP), I420 frames in, Annex-B
 * access units out.
 *
 * <p>Which encoder: {@link #open} tries {@code h264_v4l2m2m} (the Pi 4's hardware block; it only
 * opens where a V4L2 memory-to-memory H.264 encoder device exists), then {@code libx264}
 * (ultrafast, zerolatency, no B-frames, sliced threads: the Pi 5 has no encoder block), then
 * {@code libopenh264}. The first that <em>opens</em> wins, and {@link #choice()} says why.
 *
 * <p>Keyframes on demand: a frame passed with {@code forceIdr} is sent as
 * {@code pict_type = I} with the key flag, and libx264 runs with {@code forced-idr}, so it comes
 * out as an IDR with SPS/PPS in front.
 *
 * <p>Bitrate while running: {@link #setBitrate} (any thread) leaves the new target for the
 * encoding thread, which writes it into the context's {@code bit_rate}, {@code rc_max_rate} and
 * {@code rc_buffer_size} before the next frame. FFmpeg's libx264 wrapper compares those with
 * x264's parameters on every frame and calls {@code x264_encoder_reconfig} when they differ, so
 * the change takes effect at that frame: no reopen, no extra IDR, viewers notice nothing but the
 * rate. The other wrappers read them only when they open ({@link #liveBitrateUnsupported}).
 *
 * <p>Ownership and threads: this object owns the {@code AVCodecContext}, {@code AVFrame} and
 * {@code AVPacket} and frees them in {@link #close()}. It is not thread-safe, except for
 * {@link #setBitrate} and {@link #bitrate}: one thread (the eye's encoder thread) calls
 * {@link #encode}; {@link #close()} is called by the owner after that thread has stopped.
 */
public final class FfmpegEncoder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FfmpegEncoder.class);

    /** In order of preference. */
    public static final List<String> CANDIDATES = List.of("h264_v4l2m2m", "libx264", "libopenh264");

    /** AV_FRAME_FLAG_KEY (1 << 1); the JavaCPP presets do not map this macro. */
    private static final int AV_FRAME_FLAG_KEY = 1 << 1;
    /** FF_THREAD_SLICE: split each frame across threads instead of pipelining frames (+latency). */
    private static final int FF_THREAD_SLICE = 2;
    /** AV_PROFILE_H264_CONSTRAINED_BASELINE: every decoder, hardware ones included, takes it. */
    private static final int PROFILE_CONSTRAINED_BASELINE = 66 | (1 << 9);
    /** Packets in flight that can be matched back to their capture time (v4l2 m2m lags a few). */
    private static final int TIMING_SLOTS = 64;

    private final EncoderSettings settings;
    private final CodecChoice choice;
    private AVCodecContext context;
    private AVFrame frame;
    private AVPacket packet;
    private final AnnexBSplitter splitter;
    private final long[] slotPts = new long[TIMING_SLOTS];
    private final long[] slotNanos = new long[TIMING_SLOTS];
    private final long[] slotEpochMs = new long[TIMING_SLOTS];
    private Consumer<AccessUnit> output;
    /** Target in bit/s: set by {@link #setBitrate}, written into the context by {@link #encode}. */
    private volatile long bitrate;
    private long appliedBitrate;
    private long framesIn;
    private long unitsOut;
    private boolean closed;

    private FfmpegEncoder(EncoderSettings settings, CodecChoice choice, AVCodecContext context) {
        this.settings = settings;
        this.choice = choice;
        this.context = context;
        this.bitrate = settings.bitrate();
        this.appliedBitrate = settings.bitrate();
        this.splitter = new AnnexBSplitter(au -> {
            unitsOut++;
            output.accept(au);
        });
    }

    /**
     * Which encoder {@link #open} would choose here for {@code settings}, and why, without keeping
     * anything open (for {@code stereo check}). Each candidate is really opened and closed again:
     * only that proves a V4L2 encoder device works.
     *
     * @return the choice; its codec is null when none opened (the reason then lists why)
     */
    public static CodecChoice probe(EncoderSettings settings) {
        try (FfmpegEncoder enc = open(settings, CANDIDATES)) {
            return enc.choice();
        } catch (EncoderException e) {
            return new CodecChoice(null, e.getMessage());
        }
    }

    /** Opens the first of {@link #CANDIDATES} that works here. */
    public static FfmpegEncoder open(EncoderSettings settings) throws EncoderException {
        return open(settings, CANDIDATES);
    }

    /**
     * Opens the first of {@code candidates} that opens with {@code settings}.
     *
     * @throws EncoderException naming every candidate and why it did not open
     */
    public static FfmpegEncoder open(EncoderSettings settings, List<String> candidates) throws EncoderException {
        List<String> failed = new ArrayList<>();
        for (String name : candidates) {
            AVCodec codec = avcodec_find_encoder_by_name(name);
            if (codec == null) {
                failed.add(name + " is not in this FFmpeg build");
                continue;
            }
            AVCodecContext ctx = avcodec_alloc_context3(codec);
            if (ctx == null) {
                failed.add(name + ": out of memory");
                continue;
            }
            configure(ctx, name, settings);
            AVDictionary options = new AVDictionary(null);
            for (String[] kv : options(name, settings)) {
                av_dict_set(options, kv[0], kv[1], 0);
            }
            int level = av_log_get_level();
            if (name.equals("h264_v4l2m2m")) {
                // Probing a missing device is expected on most machines; its complaint on stderr
                // would read like a fault. The reason goes into the choice text instead.
                av_log_set_level(AV_LOG_QUIET);
            }
            int ret;
            try {
                ret = avcodec_open2(ctx, codec, options);
            } finally {
                av_log_set_level(level);
            }
            int unused = av_dict_count(options);
            av_dict_free(options);
            if (ret < 0) {
                failed.add(name + " did not open (" + FfmpegErrors.text(ret) + ")"
                        + (name.equals("h264_v4l2m2m") ? ": no V4L2 H.264 encoder device (none on a Pi 5 or a PC)" : ""));
                avcodec_free_context(ctx);
                continue;
            }
            if (unused > 0) {
                LOG.debug("{}: {} option(s) not used by this encoder", name, unused);
            }
            String what = switch (name) {
                case "h264_v4l2m2m" -> "hardware encoder (V4L2 M2M)";
                case "libx264" -> "software, ultrafast/zerolatency, sliced threads";
                default -> "software (OpenH264)";
            };
            String reason = (failed.isEmpty() ? "" : String.join("; ", failed) + "; ") + name + " opened: " + what;
            FfmpegEncoder enc = new FfmpegEncoder(settings, new CodecChoice(name, reason), ctx);
            try {
                enc.allocate();
            } catch (EncoderException e) {
                enc.close();
                throw e;
            }
            return enc;
        }
        throw new EncoderException("no H.264 encoder could be opened for " + settings.width() + "x"
                + settings.height() + "@" + settings.fps() + ": " + String.join("; ", failed));
    }

    private static void configure(AVCodecContext ctx, String name, EncoderSettings s) {
        ctx.width(s.width());
        ctx.height(s.height());
        ctx.pix_fmt(AV_PIX_FMT_YUV420P);
        ctx.time_base(av_make_q(1, s.fps()));
        ctx.framerate(av_make_q(s.fps(), 1));
        rate(ctx, s.bitrate(), s.fps());
        ctx.gop_size(s.gopFrames());
        ctx.max_b_frames(0);
        ctx.thread_type(FF_THREAD_SLICE);
        ctx.thread_count(0);
        if (!name.equals("libx264")) {
            ctx.profile(PROFILE_CONSTRAINED_BASELINE);
        } else if (s.spsPpsMode() == SpsPpsMode.ONCE) {
            // libx264 then puts SPS/PPS into extradata only (not in front of IDRs); we put them
            // in front of the first picture, and the broadcaster gives late joiners its cache.
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
    }

    /**
     * Average bitrate and VBV. A VBV of about two frames keeps every frame near the average size:
     * no frame takes longer than two frame times to send, which is what bounds network latency.
     * (x264 can change its VBV live only when it had one from the start; this always sets one.)
     */
    private static void rate(AVCodecContext ctx, long bitsPerSecond, int fps) {
        ctx.bit_rate(bitsPerSecond);
        ctx.rc_max_rate(bitsPerSecond);
        ctx.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, bitsPerSecond * 2 / fps));
    }

    /**
     * Why {@code codec} cannot change its bitrate while open, or null when it can (libx264).
     * Checked against FFmpeg 8's wrappers: only libx264's looks at the context's rate fields
     * again after opening.
     */
    public static String liveBitrateUnsupported(String codec) {
        return switch (codec) {
            case "libx264" -> null;
            case "h264_v4l2m2m" -> "h264_v4l2m2m sets the hardware encoder's bitrate control only when it opens "
                    + "(FFmpeg's V4L2 M2M wrapper passes no change on while running)";
            case "libopenh264" -> "FFmpeg's libopenh264 wrapper reads the bitrate only when it opens "
                    + "(it never calls OpenH264's SetOption while encoding)";
            default -> codec + " cannot change its bitrate while running";
        };
    }

    /**
     * Asks for a new target bitrate, taken from the next frame on (libx264 only). Any thread.
     *
     * @throws IllegalStateException when this encoder cannot change it live ({@link #liveBitrateUnsupported})
     * @throws IllegalArgumentException when not positive
     */
    public void setBitrate(long bitsPerSecond) {
        String why = liveBitrateUnsupported(choice.codec());
        if (why != null) {
            throw new IllegalStateException(why);
        }
        if (bitsPerSecond < 1000) {
            throw new IllegalArgumentException("bitrate must be at least 1 kbit/s, got " + bitsPerSecond);
        }
        bitrate = bitsPerSecond;
    }

    /** The target bitrate in bit/s: the YAML's, or the last {@link #setBitrate}. Any thread. */
    public long bitrate() {
        return bitrate;
    }

    /** Encoder-private options. */
    static List<String[]> options(String name, EncoderSettings s) {
        List<String[]> o = new ArrayList<>();
        switch (name) {
            case "libx264" -> {
                o.add(new String[] {"preset", "ultrafast"});
                o.add(new String[] {"tune", "zerolatency"});
                o.add(new String[] {"profile", "baseline"}); // x264's baseline is constrained baseline
                o.add(new String[] {"forced-idr", "1"}); // a forced keyframe is an IDR, not an open-GOP I
                // repeat-headers: SPS/PPS before every IDR (sps_pps_mode every-idr); in "once" mode
                // the global-header flag turns it off.
                boolean every = s.spsPpsMode() != SpsPpsMode.ONCE;
                o.add(new String[] {"x264-params", (every ? "repeat-headers=1:" : "")
                        + "sliced-threads=1:bframes=0:rc-lookahead=0:sync-lookahead=0"});
            }
            case "libopenh264" -> {
                o.add(new String[] {"rc_mode", "bitrate"});
                o.add(new String[] {"allow_skip_frames", "0"});
            }
            default -> { }
        }
        return o;
    }

    private void allocate() throws EncoderException {
        frame = av_frame_alloc();
        packet = av_packet_alloc();
        if (frame == null || packet == null) {
            throw new EncoderException(choice.codec() + ": out of memory allocating frame/packet");
        }
        frame.format(AV_PIX_FMT_YUV420P);
        frame.width(settings.width());
        frame.height(settings.height());
        int ret = av_frame_get_buffer(frame, 0);
        if (ret < 0) {
            throw new EncoderException(choice.codec() + ": cannot allocate frame: " + FfmpegErrors.text(ret));
        }
        int extra = context.extradata_size();
        if (extra > 0 && context.extradata() != null) {
            // Global headers (SPS/PPS): the splitter holds them and puts them in front of the
            // first picture's unit.
            byte[] headers = new byte[extra];
            context.extradata().position(0).get(headers, 0, extra);
            splitter.feed(headers, 0, extra, 0, 0);
            splitter.flush();
        }
    }

    public CodecChoice choice() {
        return choice;
    }

    public EncoderSettings settings() {
        return settings;
    }

    /** Frames passed to {@link #encode}. */
    public long framesIn() {
        return framesIn;
    }

    /** Access units produced. */
    public long unitsOut() {
        return unitsOut;
    }

    /**
     * Encodes one tightly packed I420 frame (Y, then U, then V, strides width and width/2, from
     * the buffer's position; the buffer is not modified). Access units that come out go to
     * {@code out} on this thread, before this returns (with libx264: this frame's own unit).
     *
     * @param pts frame number in 1/fps units, strictly increasing (gaps allowed)
     * @param captureNanos capture instant, {@link System#nanoTime()} clock
     * @param captureEpochMs capture instant, epoch ms
     * @param forceIdr make this frame an IDR
     * @throws EncoderException when FFmpeg reports an error (the encoder is unusable afterwards)
     */
    public void encode(ByteBuffer i420, long pts, long captureNanos, long captureEpochMs, boolean forceIdr,
                       Consumer<AccessUnit> out) throws EncoderException {
        if (closed) {
            throw new EncoderException(choice.codec() + " is closed");
        }
        int w = settings.width();
        int h = settings.height();
        int need = w * h * 3 / 2;
        if (i420.remaining() < need) {
            throw new IllegalArgumentException("I420 " + w + "x" + h + " needs " + need + " bytes, got " + i420.remaining());
        }
        check(av_frame_make_writable(frame), "frame not writable");
        int base = i420.position();
        copyPlane(i420, base, w, h, 0);
        copyPlane(i420, base + w * h, w / 2, h / 2, 1);
        copyPlane(i420, base + w * h + (w / 2) * (h / 2), w / 2, h / 2, 2);
        frame.pts(pts);
        if (forceIdr) {
            frame.pict_type(AV_PICTURE_TYPE_I);
            frame.flags(frame.flags() | AV_FRAME_FLAG_KEY);
        } else {
            frame.pict_type(AV_PICTURE_TYPE_NONE);
            frame.flags(frame.flags() & ~AV_FRAME_FLAG_KEY);
        }
        int slot = (int) Math.floorMod(pts, (long) TIMING_SLOTS);
        slotPts[slot] = pts;
        slotNanos[slot] = captureNanos;
        slotEpochMs[slot] = captureEpochMs;
        output = out;
        framesIn++;
        long want = bitrate;
        if (want != appliedBitrate) {
            // libx264 compares these with its parameters inside avcodec_send_frame and reconfigures.
            rate(context, want, settings.fps());
            appliedBitrate = want;
        }
        int ret = avcodec_send_frame(context, frame);
        if (ret == FfmpegErrors.EAGAIN) {
            drain(); // the encoder wants its output taken first
            ret = avcodec_send_frame(context, frame);
        }
        check(ret, "encoding a frame failed");
        drain();
    }

    private void copyPlane(ByteBuffer src, int offset, int width, int rows, int plane) {
        int stride = frame.linesize(plane);
        ByteBuffer dst = frame.data(plane).capacity((long) stride * rows).asByteBuffer();
        if (stride == width) {
            dst.put(0, src, offset, width * rows);
            return;
        }
        for (int y = 0; y < rows; y++) {
            dst.put(y * stride, src, offset + y * width, width);
        }
    }

    /** Takes every packet the encoder has ready. */
    private void drain() throws EncoderException {
        while (true) {
            int ret = avcodec_receive_packet(context, packet);
            if (ret == FfmpegErrors.EAGAIN || ret == AVERROR_EOF) {
                return;
            }
            check(ret, "reading an encoded packet failed");
            try {
                int size = packet.size();
                byte[] bytes = new byte[size];
                BytePointer data = packet.data();
                data.position(0).get(bytes, 0, size);
                long pts = packet.pts();
                int slot = (int) Math.floorMod(pts, (long) TIMING_SLOTS);
                long nanos = slotPts[slot] == pts ? slotNanos[slot] : System.nanoTime();
                long epochMs = slotPts[slot] == pts ? slotEpochMs[slot] : System.currentTimeMillis();
                // One packet is one picture: flush so the unit leaves now, not with the next one.
                splitter.feed(bytes, 0, size, nanos, epochMs);
                splitter.flush();
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private void check(int ret, String what) throws EncoderException {
        if (ret < 0) {
            throw new EncoderException(choice.codec() + ": " + what + ": " + FfmpegErrors.text(ret)
                    + " (" + settings.width() + "x" + settings.height() + ", frame " + framesIn + ")");
        }
    }

    /** Frees the codec context, frame and packet. Idempotent; not concurrent with {@link #encode}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (context != null) {
            avcodec_free_context(context);
            context = null;
        }
    }

    static {
        // libx264 and friends log every option at info level on stderr; only errors are news.
        av_log_set_level(AV_LOG_ERROR);
    }
}
