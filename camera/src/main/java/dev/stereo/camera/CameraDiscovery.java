package dev.stereo.camera;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds cameras without opening them: libcamera cameras through GStreamer's device monitor
 * ({@code gst-device-monitor-1.0}, which lists libcamerasrc devices when gstreamer1.0-libcamera is
 * installed) and V4L2 capture nodes from sysfs.
 *
 * <p>On a Pi 5 the PiSP/RP1 stack exposes many {@code /dev/video*} nodes that are not cameras
 * (the ISP back end, the HEVC decoder, CFE metadata nodes); only nodes whose driver name looks
 * like a camera are listed, so "two V4L2 cameras" is not fooled by them. Blocking (runs a
 * process for up to a few seconds); call from a start-up or CLI thread.
 */
public final class CameraDiscovery {

    private static final long MONITOR_TIMEOUT_MS = 3000;

    private final Path sysfsRoot;
    private final List<String> monitorCommand;

    /** The real machine. */
    public CameraDiscovery() {
        this(Path.of("/sys/class/video4linux"), List.of("gst-device-monitor-1.0", "Video/Source"));
    }

    /** For tests: a fake sysfs tree and monitor command. */
    public CameraDiscovery(Path sysfsRoot, List<String> monitorCommand) {
        this.sysfsRoot = sysfsRoot;
        this.monitorCommand = monitorCommand;
    }

    /** libcamera cameras first (in libcamera's order: index 0 = left), then V4L2 nodes. */
    public List<CameraInfo> discover() {
        List<CameraInfo> out = new ArrayList<>(libcamera());
        out.addAll(v4l2());
        return out;
    }

    /** V4L2 capture nodes whose driver name looks like a camera, sorted by node number. */
    public List<CameraInfo> v4l2() {
        List<CameraInfo> out = new ArrayList<>();
        if (!Files.isDirectory(sysfsRoot)) {
            return out;
        }
        try (Stream<Path> nodes = Files.list(sysfsRoot)) {
            for (Path node : nodes.sorted().toList()) {
                String dev = node.getFileName().toString();
                if (!dev.startsWith("video")) {
                    continue;
                }
                String name = read(node.resolve("name"));
                if (name != null && looksLikeCamera(name)) {
                    out.add(new CameraInfo("v4l2", "/dev/" + dev, name, null));
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Memory-to-memory codecs and ISP nodes are not cameras. */
    static boolean looksLikeCamera(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.contains("pispbe") || n.contains("hevc") || n.contains("codec") || n.contains("isp")
                || n.contains("m2m") || n.contains("-dec") || n.contains("-enc") || n.contains("embedded")
                || n.contains("metadata")) {
            return false;
        }
        return true;
    }

    /** libcamera cameras as the GStreamer device monitor sees them; empty when it is absent. */
    public List<CameraInfo> libcamera() {
        String output;
        try {
            Process p = new ProcessBuilder(monitorCommand).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(MONITOR_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
            }
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(); // gst-device-monitor-1.0 not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        return parseMonitor(output);
    }

    /**
     * Parses {@code gst-device-monitor-1.0} text: blocks starting "Device found:" with "name :",
     * "class :" and "gst-launch-1.0 libcamerasrc camera-name=..." lines.
     */
    static List<CameraInfo> parseMonitor(String text) {
        List<CameraInfo> out = new ArrayList<>();
        String name = null;
        String apiPath = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("Device found:")) {
                name = null;
                apiPath = null;
            } else if (line.startsWith("name") && line.contains(":") && name == null) {
                name = line.substring(line.indexOf(':') + 1).strip();
            } else if (line.startsWith("api.libcamera.path") || line.startsWith("object.path")) {
                apiPath = line.substring(line.indexOf('=') + 1).strip();
            } else if (line.startsWith("gst-launch-1.0 libcamerasrc")) {
                String id = apiPath;
                int at = line.indexOf("camera-name=");
                if (at >= 0) {
                    id = line.substring(at + "camera-name=".length()).split(" !")[0].strip();
                    id = id.replace("\"", "").replace("\\", "");
                }
                out.add(new CameraInfo("libcamera", id, name, null));
            }
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
