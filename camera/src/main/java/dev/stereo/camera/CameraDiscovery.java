package dev.stereo.camera;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the cameras on this machine without opening them (so it never steals a camera from a
 * running pipeline, nor fails because another process holds one).
 *
 * <ul>
 *   <li><b>libcamera</b> (every CSI camera on a Pi 5, which has no other usable path to its ISP):
 *       runs {@code gst-device-monitor-1.0 Video/Source} and reads its text output. With
 *       {@code gstreamer1.0-libcamera} installed, libcamera's device provider lists each camera
 *       with the exact {@code camera-name} that {@code libcamerasrc} takes; with PipeWire running,
 *       PipeWire's provider may list them too. Enumeration starts a libcamera camera manager in
 *       the tool's process but acquires no camera. The tool lives in Debian's
 *       {@code gstreamer1.0-plugins-base-apps}; when it is missing, the result says so
 *       ({@link Status#TOOL_MISSING}) instead of pretending there are no cameras.</li>
 *   <li><b>V4L2</b>: capture nodes from {@code /sys/class/video4linux} and {@code /dev/video*},
 *       filtered to real camera image nodes (see {@link V4l2NodeScan} for why most Pi nodes are
 *       not cameras).</li>
 * </ul>
 *
 * <p>Who calls: {@code stereo check}, the startup wiring that picks sources, and status
 * endpoints; on the caller's thread. {@link #discover()} blocks for at most the monitor timeout
 * (3 s by default) plus a little. Instances are immutable and thread-safe; the constructor has no
 * side effects.
 */
public final class CameraDiscovery {

    /** Default limit for the device monitor; it normally answers in well under a second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    /** The device monitor command line. */
    public static final List<String> DEFAULT_MONITOR_COMMAND = List.of("gst-device-monitor-1.0", "Video/Source");

    private static final int STDERR_TAIL = 2000;

    /** How the libcamera side of a discovery went. */
    public enum Status {
        /** The monitor ran; its camera list (possibly empty) is complete. */
        OK,
        /** {@code gst-device-monitor-1.0} is not installed: libcamera cameras were not looked for. */
        TOOL_MISSING,
        /** The monitor did not finish in time and was killed. */
        TIMED_OUT,
        /** The monitor exited with an error. */
        FAILED
    }

    /**
     * Outcome of the libcamera probe.
     *
     * @param status how it went
     * @param cameras libcamera cameras (empty unless {@code status == OK})
     * @param message a sentence for the user: what was run and, if it did not work, why and
     *     what to install
     */
    public record LibcameraScan(Status status, List<CameraInfo> cameras, String message) {
        public LibcameraScan {
            cameras = List.copyOf(cameras);
        }
    }

    /**
     * Everything found.
     *
     * @param cameras libcamera cameras first, then V4L2 nodes
     * @param libcamera how the libcamera probe went (check it before concluding "no camera")
     */
    public record Result(List<CameraInfo> cameras, LibcameraScan libcamera) {
        public Result {
            cameras = List.copyOf(cameras);
        }
    }

    private final Path root;
    private final List<String> monitorCommand;
    private final Duration timeout;

    /** Discovery on the real system with the default command and timeout. */
    public CameraDiscovery() {
        this(Path.of("/"), DEFAULT_MONITOR_COMMAND, DEFAULT_TIMEOUT);
    }

    /**
     * @param root filesystem root under which {@code sys/class/video4linux} and {@code dev} are
     *     read (a fake tree in tests)
     * @param monitorCommand command printing gst-device-monitor output (tests substitute one)
     * @param timeout how long the monitor may run
     */
    public CameraDiscovery(Path root, List<String> monitorCommand, Duration timeout) {
        if (root == null || monitorCommand == null || monitorCommand.isEmpty() || timeout == null
                || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("root, a non-empty command and a positive timeout are required");
        }
        this.root = root;
        this.monitorCommand = List.copyOf(monitorCommand);
        this.timeout = timeout;
    }

    /**
     * Both probes, with how the libcamera one went: use this to tell "no camera" from "could not
     * look" ({@link Status#TOOL_MISSING}, {@link Status#TIMED_OUT}). Never throws.
     */
    public Result scan() {
        LibcameraScan lib = libcameraCameras();
        List<CameraInfo> all = new ArrayList<>(lib.cameras());
        all.addAll(v4l2Cameras());
        return new Result(all, lib);
    }

    /**
     * libcamera cameras first, in libcamera's order (index 0 = left by default), then V4L2 nodes
     * by node number. Same as {@code scan().cameras()}; an unsuccessful libcamera probe simply
     * contributes nothing. Never throws.
     */
    public List<CameraInfo> discover() {
        return scan().cameras();
    }

    /** V4L2 camera nodes from sysfs; empty when there are none (or no sysfs). Does not block. */
    public List<CameraInfo> v4l2Cameras() {
        return V4l2NodeScan.scan(root);
    }

    /** Runs the device monitor and parses its output; blocks up to the timeout. */
    public LibcameraScan libcameraCameras() {
        String commandLine = String.join(" ", monitorCommand);
        ProcessBuilder pb = new ProcessBuilder(monitorCommand);
        // libcamera logs every probe step at INFO/WARN on stderr; only errors are worth keeping.
        pb.environment().putIfAbsent("LIBCAMERA_LOG_LEVELS", "*:ERROR");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return new LibcameraScan(Status.TOOL_MISSING, List.of(),
                    "cannot run '" + commandLine + "' (" + e.getMessage() + "); libcamera cameras were not "
                            + "looked for: install gstreamer1.0-plugins-base-apps and gstreamer1.0-libcamera");
        }
        // Drain both pipes on their own threads so a chatty process can never block on a full pipe.
        Drain out = Drain.start(process.getInputStream(), Integer.MAX_VALUE, "camera-discovery-stdout");
        Drain err = Drain.start(process.getErrorStream(), STDERR_TAIL, "camera-discovery-stderr");
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new LibcameraScan(Status.TIMED_OUT, List.of(),
                        "'" + commandLine + "' did not finish within " + timeout.toMillis() + " ms and was killed");
            }
            String stdout = out.text(timeout.toMillis());
            int exit = process.exitValue();
            if (exit != 0) {
                return new LibcameraScan(Status.FAILED, List.of(),
                        "'" + commandLine + "' exited with status " + exit + tail(err.text(200)));
            }
            List<CameraInfo> cameras = DeviceMonitorOutput.libcameraCameras(stdout);
            return new LibcameraScan(Status.OK, cameras,
                    "'" + commandLine + "' listed " + cameras.size() + " libcamera camera(s)");
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new LibcameraScan(Status.FAILED, List.of(), "interrupted while running '" + commandLine + "'");
        }
    }

    private static String tail(String stderr) {
        String s = stderr.strip();
        return s.isEmpty() ? "" : ": " + s.replace('\n', ' ');
    }

    /** Reads a stream to its end on a daemon thread, keeping at most the last {@code limit} bytes. */
    private static final class Drain implements Runnable {
        private final InputStream in;
        private final int limit;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread thread;

        private Drain(InputStream in, int limit, String name) {
            this.in = in;
            this.limit = limit;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        static Drain start(InputStream in, int limit, String name) {
            Drain d = new Drain(in, limit, name);
            d.thread.start();
            return d;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buf) {
                        buf.write(chunk, 0, n);
                        if (buf.size() > 2L * limit && limit < Integer.MAX_VALUE / 2) {
                            byte[] all = buf.toByteArray();
                            buf.reset();
                            buf.write(all, all.length - limit, limit);
                        }
                    }
                }
            } catch (IOException e) {
                // the process died or was killed: keep what was read
            }
        }

        /** Waits (bounded) for end of stream, then returns the text read. */
        String text(long waitMillis) throws InterruptedException {
            thread.join(Math.max(1, waitMillis));
            byte[] all;
            synchronized (buf) {
                all = buf.toByteArray();
            }
            int from = Math.max(0, all.length - limit);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        }
    }
}
