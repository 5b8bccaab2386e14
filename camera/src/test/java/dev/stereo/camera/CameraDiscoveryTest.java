package dev.stereo.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraDiscoveryTest {

    /**
     * What gst-device-monitor-1.0 prints on a Pi 5 with two IMX708 modules and PipeWire running.
     * Composed from the tool's print format (gst-plugins-base tools/gst-device-monitor.c), the
     * libcamera and PipeWire device providers' fields and Pi 5 camera ids; not a capture from a
     * real Pi. It mixes GStreamer 1.22 and newer quoting on purpose.
     */
    private static final String PI5_SAMPLE = "gst-device-monitor-pi5.txt";

    @TempDir
    Path root;

    // ---- V4L2 from a fake sysfs ----

    @Test
    void pi5ListsOnlyTheCsiImageNodes() throws IOException {
        // Two cameras: two RP1 CFE instances of 8 nodes each, then the PiSP back end and the
        // HEVC decoder, as on a real Pi 5.
        int n = 0;
        String[] cfe = {"csi2_ch0", "embedded", "csi2_ch2", "csi2_ch3", "fe_image0", "fe_image1", "fe_stats", "fe_config"};
        for (int cam = 0; cam < 2; cam++) {
            for (String node : cfe) {
                node(n++, "rp1-cfe-" + node, null, 0);
            }
        }
        node(19, "rpi-hevc-dec", null, 0);
        String[] be = {"pispbe-output0", "pispbe-output1", "pispbe-tdn_output", "pispbe-stitch_output",
                       "pispbe-config", "pispbe-input", "pispbe-tdn_input", "pispbe-stitch_input", "pispbe-hog_output"};
        n = 20;
        for (String node : be) {
            node(n++, node, null, 0);
        }
        List<CameraInfo> found = discovery().v4l2Cameras();
        assertEquals(List.of("/dev/video0", "/dev/video8"), found.stream().map(CameraInfo::id).toList());
        for (CameraInfo c : found) {
            assertEquals(CameraInfo.V4L2, c.kind());
            assertEquals("rp1-cfe-csi2_ch0", c.name());
            assertTrue(c.detail().contains("libcamera"), c.detail());
            assertTrue(c.isRawCsiNode());
        }
    }

    @Test
    void pi4UnicamAndUsbCameraButNotCodecsOrMetadata() throws IOException {
        node(0, "unicam-image", null, 0);
        node(1, "unicam-embedded", null, 1);
        node(10, "bcm2835-codec-decode", null, 0);
        node(11, "bcm2835-codec-encode", null, 0);
        node(12, "bcm2835-isp-capture0", null, 0);
        node(2, "HD Pro Webcam C920", "uvcvideo", 0);
        node(3, "HD Pro Webcam C920", "uvcvideo", 1); // its metadata node
        node(4, "Dummy video device (0x0000)", "v4l2loopback", 0);
        List<CameraInfo> found = discovery().v4l2Cameras();
        assertEquals(List.of("/dev/video0", "/dev/video2"), found.stream().map(CameraInfo::id).toList());
        assertEquals("HD Pro Webcam C920", found.get(1).name());
        assertTrue(found.get(1).detail().contains("uvcvideo"));
        assertTrue(found.get(0).isRawCsiNode());
        assertFalse(found.get(1).isRawCsiNode());
    }

    @Test
    void sysfsNodeWithoutDeviceFileIsSkipped() throws IOException {
        node(0, "unicam-image", null, 0);
        Files.delete(root.resolve("dev/video0"));
        assertEquals(List.of(), discovery().v4l2Cameras());
    }

    @Test
    void noSysfsMeansNoV4l2Cameras() {
        assertEquals(List.of(), discovery().v4l2Cameras());
    }

    @Test
    void nodesAreOrderedNumerically() throws IOException {
        node(10, "unicam-image", null, 0);
        node(2, "unicam-image", null, 0);
        assertEquals(List.of("/dev/video2", "/dev/video10"),
                discovery().v4l2Cameras().stream().map(CameraInfo::id).toList());
    }

    // ---- libcamera via gst-device-monitor output ----

    @Test
    void parsesPi5MonitorOutput() throws IOException {
        List<CameraInfo> cams = DeviceMonitorOutput.libcameraCameras(sample());
        assertEquals(2, cams.size(), cams.toString());
        CameraInfo cam1 = cams.get(0);
        assertEquals(CameraInfo.LIBCAMERA, cam1.kind());
        assertEquals("/base/axi/pcie@120000/rp1/i2c@88000/imx708@1a", cam1.id(), "GStreamer 1.22 escapes unquoted");
        assertEquals("imx708", cam1.name());
        assertTrue(cam1.detail().startsWith("libcamerasrc camera-name=/base/axi/"), cam1.detail());
        CameraInfo cam0 = cams.get(1);
        assertEquals("/base/axi/pcie@120000/rp1/i2c@80000/imx708@1a", cam0.id(), "shell quoting removed");
        assertEquals("imx708", cam0.name());
        assertTrue(cam0.detail().contains("rotation 180"), cam0.detail());
    }

    @Test
    void parsesBlocksAndProperties() throws IOException {
        List<DeviceMonitorOutput.Device> devices = DeviceMonitorOutput.parse(sample());
        assertEquals(4, devices.size());
        DeviceMonitorOutput.Device pw = devices.get(2);
        assertEquals("imx708", pw.name());
        assertEquals("Video/Source", pw.deviceClass());
        assertEquals("libcamera:/base/axi/pcie@120000/rp1/i2c@88000/imx708@1a", pw.properties().get("object.path"));
        assertEquals("pipewiresrc target-object=57 ! ...", pw.launchLine());
        assertEquals("2", devices.get(1).properties().get("api.libcamera.Location"), "type suffix dropped");
        assertEquals("HD Pro Webcam C920 (V4L2)", devices.get(3).properties().get("node.description"));
    }

    @Test
    void pipewireOnlyCameraIsListed() {
        String text = "Probing devices...\n\n\nDevice found:\n\n"
                + "\tname  : imx219\n\tclass : Video/Source\n"
                + "\tcaps  : video/x-raw, format=(string)NV12\n"
                + "\tproperties:\n"
                + "\t\tobject.path = libcamera:/base/soc/i2c0mux/i2c@1/imx219@10\n"
                + "\t\tnode.name = libcamera_input.imx219\n"
                + "\tgst-launch-1.0 pipewiresrc target-object=44 ! ...\n\n";
        List<CameraInfo> cams = DeviceMonitorOutput.libcameraCameras(text);
        assertEquals(1, cams.size());
        assertEquals("/base/soc/i2c0mux/i2c@1/imx219@10", cams.get(0).id());
        assertEquals("imx219", cams.get(0).name());
        assertTrue(cams.get(0).detail().contains("PipeWire"));
    }

    @Test
    void emptyOutputMeansNoCameras() {
        assertEquals(List.of(), DeviceMonitorOutput.libcameraCameras("Probing devices...\n\n"));
        assertEquals(List.of(), DeviceMonitorOutput.libcameraCameras(""));
    }

    @Test
    void runsAMonitorCommandAndParsesIt() throws IOException {
        Path out = root.resolve("monitor.txt");
        Files.writeString(out, sample());
        CameraDiscovery d = new CameraDiscovery(root, List.of("cat", out.toString()), Duration.ofSeconds(5));
        node(0, "rp1-cfe-csi2_ch0", null, 0);
        CameraDiscovery.Result r = d.scan();
        assertEquals(CameraDiscovery.Status.OK, r.libcamera().status());
        assertEquals(r.cameras(), d.discover());
        assertEquals(List.of(CameraInfo.LIBCAMERA, CameraInfo.LIBCAMERA, CameraInfo.V4L2),
                r.cameras().stream().map(CameraInfo::kind).toList());
        assertTrue(r.libcamera().message().contains("2 libcamera camera(s)"), r.libcamera().message());
    }

    @Test
    void missingToolIsReportedNotHidden() {
        CameraDiscovery d = new CameraDiscovery(root, List.of("no-such-gst-device-monitor-xyz"), Duration.ofSeconds(3));
        CameraDiscovery.LibcameraScan scan = d.libcameraCameras();
        assertEquals(CameraDiscovery.Status.TOOL_MISSING, scan.status());
        assertTrue(scan.message().contains("gstreamer1.0-plugins-base-apps"), scan.message());
        assertEquals(List.of(), scan.cameras());
    }

    @Test
    void hangingToolTimesOut() {
        CameraDiscovery d = new CameraDiscovery(root, List.of("sleep", "30"), Duration.ofMillis(300));
        long start = System.nanoTime();
        CameraDiscovery.LibcameraScan scan = d.libcameraCameras();
        assertEquals(CameraDiscovery.Status.TIMED_OUT, scan.status());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "returned promptly after the timeout");
    }

    @Test
    void failingToolIsReportedWithItsStderr() {
        CameraDiscovery d = new CameraDiscovery(root,
                List.of("sh", "-c", "echo 'Failed to start device monitor!' >&2; exit 1"), Duration.ofSeconds(5));
        CameraDiscovery.LibcameraScan scan = d.libcameraCameras();
        assertEquals(CameraDiscovery.Status.FAILED, scan.status());
        assertTrue(scan.message().contains("Failed to start device monitor!"), scan.message());
    }

    /**
     * The real tool on this machine. A development machine or CI without cameras must come back
     * OK and empty (or TOOL_MISSING where gstreamer1.0-plugins-base-apps is not installed).
     */
    @Test
    void realDeviceMonitorOnThisMachine() {
        CameraDiscovery.Result r = new CameraDiscovery().scan();
        CameraDiscovery.Status status = r.libcamera().status();
        assertTrue(status == CameraDiscovery.Status.OK || status == CameraDiscovery.Status.TOOL_MISSING,
                r.libcamera().toString());
        for (CameraInfo c : r.cameras()) {
            assertTrue(c.kind().equals(CameraInfo.LIBCAMERA) || c.kind().equals(CameraInfo.V4L2));
        }
        if (!Files.isDirectory(Path.of("/sys/class/video4linux"))) {
            assertEquals(List.of(), r.cameras(), "no video devices here, so no cameras");
        }
    }

    // ---- helpers ----

    private CameraDiscovery discovery() {
        return new CameraDiscovery(root, List.of("true"), Duration.ofSeconds(3));
    }

    /** A fake /sys/class/video4linux/videoN plus /dev/videoN. */
    private void node(int n, String name, String driver, int index) throws IOException {
        Path dir = root.resolve("sys/class/video4linux/video" + n);
        Files.createDirectories(dir.resolve("device"));
        Files.writeString(dir.resolve("name"), name + "\n");
        Files.writeString(dir.resolve("index"), index + "\n");
        if (driver != null) {
            Files.createSymbolicLink(dir.resolve("device/driver"), Path.of("../../../bus/usb/drivers/" + driver));
        }
        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/video" + n), "");
    }

    private static String sample() throws IOException {
        try (InputStream in = Objects.requireNonNull(CameraDiscoveryTest.class.getResourceAsStream(PI5_SAMPLE))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
