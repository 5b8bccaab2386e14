package dev.stereo.app;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.camera.CameraDiscovery;
import dev.stereo.camera.CameraInfo;
import dev.stereo.core.Eye;
import dev.stereo.dualtrack.DualTrackOptions;
import dev.stereo.dualtrack.DualTrackPipeline;
import dev.stereo.gst.EncoderChoice;
import dev.stereo.gst.GlProbe;
import dev.stereo.core.gst.GstElements;
import org.freedesktop.gstreamer.Gst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stereo check}: what this machine can do, without opening any camera. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Prints the GStreamer version, the elements present and missing, the encoder chosen "
                + "per eye and why, the cameras found, and whether OpenGL works.",
            "Exit code 0 when the machine can stream, 1 when something essential is missing."})
final class CheckCommand implements Callable<Integer> {

    /** Element → what it is for / which package has it. */
    static final Map<String, String> ELEMENTS = new LinkedHashMap<>();

    static {
        ELEMENTS.put("webrtcbin", "WebRTC (gstreamer1.0-plugins-bad), essential");
        ELEMENTS.put("nicesrc", "ICE (gstreamer1.0-nice), essential");
        ELEMENTS.put("dtlssrtpenc", "DTLS-SRTP (gstreamer1.0-plugins-bad), essential");
        ELEMENTS.put("rtph264pay", "RTP H.264 payloader (gstreamer1.0-plugins-good), essential");
        ELEMENTS.put("h264parse", "H.264 parser (gstreamer1.0-plugins-bad), essential");
        ELEMENTS.put("appsrc", "test source input (gstreamer1.0-plugins-base), essential");
        ELEMENTS.put("videoconvertscale", "conversion and scaling (gstreamer1.0-plugins-base)");
        ELEMENTS.put("videoflip", "CPU flip/rotate (gstreamer1.0-plugins-good)");
        ELEMENTS.put("videocrop", "CPU crop (gstreamer1.0-plugins-good)");
        ELEMENTS.put("videobox", "CPU alignment offset (gstreamer1.0-plugins-good)");
        ELEMENTS.put("compositor", "side-by-side layout (gstreamer1.0-plugins-base)");
        ELEMENTS.put("glshader", "GPU rectification (gstreamer1.0-gl)");
        ELEMENTS.put("libcamerasrc", "Pi cameras through libcamera (gstreamer1.0-libcamera)");
        ELEMENTS.put("v4l2src", "V4L2 cameras (gstreamer1.0-plugins-good)");
        ELEMENTS.put("v4l2h264enc", "hardware H.264 encoder (Pi 4 class only; the Pi 5 has none)");
        ELEMENTS.put("x264enc", "software H.264 encoder (gstreamer1.0-plugins-ugly)");
        ELEMENTS.put("openh264enc", "software H.264 encoder (gstreamer1.0-plugins-bad)");
    }

    @Mixin
    SharedOptions options;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        StereoConfig config = options.loadConfig();
        Wiring.initGStreamer();
        out.println("GStreamer: " + Gst.getVersionString());
        out.println("Config: " + (config.file() == null ? "built-in defaults" : config.file()));
        List<String> missingEssential = new ArrayList<>();
        out.println("Elements:");
        for (var e : ELEMENTS.entrySet()) {
            boolean present = GstElements.exists(e.getKey());
            out.printf("  %-8s %-18s %s%n", present ? "present" : "MISSING", e.getKey(), e.getValue());
            if (!present && e.getValue().endsWith("essential")) {
                missingEssential.add(e.getKey());
            }
        }
        EncoderChoice encoder = EncoderChoice.probe();
        out.println("Encoder (option3):");
        for (Eye eye : Eye.values()) {
            out.printf("  %-5s %s: %s%n", eye.key(), encoder.element() == null ? "none" : encoder.element(),
                    encoder.reason());
        }
        out.println("Encoder (option2, FFmpeg in Java):");
        try {
            var choices = DualTrackPipeline.probeEncoders(config, DualTrackOptions.from(config));
            for (Eye eye : Eye.values()) {
                var c = choices.get(eye);
                out.printf("  %-5s %s: %s%n", eye.key(), c.codec() == null ? "none" : c.codec(), c.reason());
            }
        } catch (RuntimeException | LinkageError e) {
            out.println("  unavailable: FFmpeg could not be loaded (" + e.getMessage() + ")");
        }
        out.println("Cameras:");
        List<CameraInfo> cameras = new CameraDiscovery().discover();
        if (cameras.isEmpty()) {
            out.println("  none found (libcamera device provider and V4L2 capture nodes): "
                    + "--source=auto uses the built-in test source");
        }
        for (CameraInfo c : cameras) {
            out.printf("  %-9s %s  %s%s%n", c.kind(), c.id(), c.name(), c.detail() == null ? "" : "  " + c.detail());
        }
        boolean gl = GlProbe.works();
        out.println("OpenGL: " + (gl ? "works (GPU rectification available)"
                : "not available (" + GlProbe.lastError() + "): crop/flip/alignment use CPU elements"));
        boolean ok = encoder.element() != null && missingEssential.isEmpty();
        out.println("Result: " + (ok ? "ready to stream" : "cannot stream: missing "
                + (encoder.element() == null ? "an H.264 encoder " : "") + String.join(", ", missingEssential)));
        return ok ? 0 : 1;
    }
}
