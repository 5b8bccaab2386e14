package dev.stereo.gst;

import dev.stereo.calibration.StereoConfig.CameraConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The H.264 encoder element chosen for this machine and why. Probed once at start:
 * {@code v4l2h264enc} (Pi 4 class hardware, needs {@code /dev/video11}), else {@code x264enc},
 * else {@code openh264enc}. The Pi 5 has no encoder block, so there it is x264enc.
 *
 * @param element the GStreamer element name, or null when none is usable
 * @param reason one line saying what was probed and why this one won
 */
public record EncoderChoice(String element, String reason) {

    /** Device node of the Pi's stateful V4L2 H.264 encoder. */
    static final Path V4L2_ENCODER_DEVICE = Path.of("/dev/video11");

    /** Probes with the real element registry and file system. */
    public static EncoderChoice probe() {
        return probe(dev.stereo.core.gst.GstElements::exists, Files::exists);
    }

    /** Pure decision, for tests: {@code elementExists} answers "is this plugin installed". */
    static EncoderChoice probe(Predicate<String> elementExists, Predicate<Path> fileExists) {
        List<String> skipped = new ArrayList<>();
        if (elementExists.test("v4l2h264enc")) {
            if (fileExists.test(V4L2_ENCODER_DEVICE)) {
                return new EncoderChoice("v4l2h264enc", "hardware encoder " + V4L2_ENCODER_DEVICE + " present");
            }
            skipped.add("v4l2h264enc present but " + V4L2_ENCODER_DEVICE + " missing (no H.264 block, e.g. Pi 5)");
        } else {
            skipped.add("v4l2h264enc not installed (no hardware encoder on this machine)");
        }
        if (elementExists.test("x264enc")) {
            return new EncoderChoice("x264enc", String.join("; ", skipped)
                    + "; x264enc (software, ultrafast/zerolatency) is available");
        }
        skipped.add("x264enc not installed (gstreamer1.0-plugins-ugly)");
        if (elementExists.test("openh264enc")) {
            return new EncoderChoice("openh264enc", String.join("; ", skipped) + "; using openh264enc");
        }
        skipped.add("openh264enc not installed (gstreamer1.0-plugins-bad)");
        return new EncoderChoice(null, "no H.264 encoder: " + String.join("; ", skipped));
    }

    /**
     * The encoder as a gst-launch fragment named {@code name}: no B-frames, GOP and bitrate from
     * the camera's YAML, and the lowest-latency settings each encoder offers.
     */
    public String launch(String name, CameraConfig cam, int fps) {
        int kbps = (int) Math.round(cam.bitrateMbps() * 1000);
        return switch (element) {
            // sliced-threads: each frame is split across threads instead of pipelining frames,
            // which would add a frame of latency per thread.
            case "x264enc" -> "x264enc name=" + name + " tune=zerolatency speed-preset=ultrafast bframes=0"
                    + " key-int-max=" + cam.gopFrames() + " bitrate=" + kbps
                    + " sliced-threads=true vbv-buf-capacity=" + Math.max(1, 1000 / fps * 2)
                    + " byte-stream=true ! video/x-h264,profile=constrained-baseline";
            case "v4l2h264enc" -> "v4l2h264enc name=" + name + " extra-controls=\"controls,video_bitrate="
                    + kbps * 1000 + ",h264_i_frame_period=" + cam.gopFrames() + ",repeat_sequence_header=1\""
                    + " ! video/x-h264,level=(string)4.2,profile=(string)constrained-baseline";
            case "openh264enc" -> "openh264enc name=" + name + " bitrate=" + kbps * 1000
                    + " gop-size=" + cam.gopFrames() + " complexity=low rate-control=bitrate usage-type=camera"
                    + " ! video/x-h264,profile=constrained-baseline";
            default -> throw new IllegalStateException("no encoder");
        };
    }

    /** The encoder's {@code bitrate} property value for {@code mbps} (units differ), or null when it cannot change live. */
    public Object bitrateValue(double mbps) {
        return switch (element) {
            case "x264enc" -> (int) Math.round(mbps * 1000);
            case "openh264enc" -> (int) Math.round(mbps * 1_000_000);
            default -> null;
        };
    }
}
