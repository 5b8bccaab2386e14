package dev.stereo.dualtrack;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** FFmpeg error codes as words. */
final class FfmpegErrors {

    /** AVERROR(EAGAIN) on Linux: "send input / take output first". */
    static final int EAGAIN = -11;

    private FfmpegErrors() {}

    /** The text FFmpeg gives for an error code, e.g. "No such file or directory". */
    static String text(int code) {
        byte[] buf = new byte[256];
        if (av_strerror(code, buf, buf.length) < 0) {
            return "FFmpeg error " + code;
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }
}
