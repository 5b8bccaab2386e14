package dev.stereo.camera;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists V4L2 capture nodes that are cameras, from sysfs alone (reading
 * {@code /sys/class/video4linux/videoN/name}, {@code index} and the {@code device/driver} link) and
 * the existence of {@code /dev/videoN}; no device is opened, so a camera held by another process is
 * still listed and nobody's stream is disturbed.
 *
 * <p>Why a name filter: on a Raspberry Pi most {@code /dev/video*} nodes are not cameras. A Pi 5
 * exposes about 30: the PiSP back-end ISP ({@code pispbe-*}, memory-to-memory), the HEVC decoder
 * ({@code rpi-hevc-dec}), and per camera port eight RP1 CFE nodes of which only
 * {@code rp1-cfe-csi2_ch0} carries the sensor's image (the others are embedded data, spare CSI-2
 * channels and the ISP front end's outputs, statistics and config). A Pi 4 has the
 * {@code bcm2835-codec} and {@code bcm2835-isp} m2m nodes next to {@code unicam-image} and
 * {@code unicam-embedded}. USB cameras ({@code uvcvideo}) expose a capture node (index 0) and a
 * metadata node (index 1). So the kept nodes are: {@code rp1-cfe-csi2_ch0},
 * {@code unicam-image} and uvcvideo index 0. CFE and Unicam nodes deliver raw Bayer that needs
 * an ISP: the detail says to use libcamera for them.
 *
 * <p>Constructor-free static helper; used by {@link CameraDiscovery} on the caller's thread.
 */
final class V4l2NodeScan {

    private static final Pattern NODE = Pattern.compile("video(\\d+)");
    private static final Pattern CFE_IMAGE = Pattern.compile("rp1-cfe-csi2[_-]ch0");

    private V4l2NodeScan() {}

    /**
     * @param root filesystem root ("/" in production, a fake tree in tests)
     * @return camera nodes ordered by node number; empty when sysfs has no video4linux class
     */
    static List<CameraInfo> scan(Path root) {
        Path classDir = root.resolve("sys/class/video4linux");
        List<CameraInfo> found = new ArrayList<>();
        if (!Files.isDirectory(classDir)) {
            return found;
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(classDir, "video*")) {
            dir.forEach(entries::add);
        } catch (IOException e) {
            return found;
        }
        entries.sort(Comparator.comparingInt(V4l2NodeScan::nodeNumber));
        for (Path entry : entries) {
            String node = entry.getFileName().toString();
            if (!NODE.matcher(node).matches()) {
                continue;
            }
            // sysfs lists a node udev may not have created (or a container may not expose).
            if (!Files.exists(root.resolve("dev").resolve(node))) {
                continue;
            }
            String name = read(entry.resolve("name"));
            if (name == null) {
                continue;
            }
            String detail = classify(name, driverOf(entry), indexOf(entry));
            if (detail != null) {
                found.add(new CameraInfo(CameraInfo.V4L2, "/dev/" + node, name, detail));
            }
        }
        return found;
    }

    /** What the node is if it is a camera's image node, else null. */
    static String classify(String name, String driver, int index) {
        String n = name.toLowerCase(Locale.ROOT);
        if (CFE_IMAGE.matcher(n).matches()) {
            return "Pi 5 RP1 CSI-2 receiver: raw Bayer straight from the sensor; "
                    + "use it through libcamera (libcamerasrc), which adds the PiSP ISP";
        }
        if (n.equals("unicam-image")) {
            return "Unicam CSI-2 receiver (Pi 4 and earlier): raw sensor data; use it through libcamera";
        }
        if ("uvcvideo".equals(driver) && index == 0) {
            return "USB video class camera (uvcvideo)";
        }
        return null;
    }

    private static int nodeNumber(Path p) {
        Matcher m = NODE.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    private static String driverOf(Path entry) {
        Path link = entry.resolve("device/driver");
        try {
            if (Files.isSymbolicLink(link)) {
                Path target = Files.readSymbolicLink(link).getFileName();
                return target == null ? null : target.toString();
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        return null;
    }

    private static int indexOf(Path entry) {
        String s = read(entry.resolve("index"));
        if (s == null) {
            return 0; // kernels before 3.x had no index attribute: one node per device
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
