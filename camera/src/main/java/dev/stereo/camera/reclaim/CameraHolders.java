package dev.stereo.camera.reclaim;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the processes that keep the cameras from us, the way {@code fuser}/{@code lsof} would but
 * without needing them: every {@code /proc/PID/fd/*} link that points at a camera device node, and
 * every {@code /proc/PID/maps} line that maps a camera device node (buffers stay mapped after the
 * descriptor is closed) or a libcamera library (PipeWire/WirePlumber, rpicam-vid, a Picamera2
 * script: libcamera takes a per-camera lock that only ends with the process).
 *
 * <p>What counts is configurable so tests can use a fake device under a temporary directory:
 * device globs are matched against the whole path ({@code /dev/video*}); library globs against
 * the file name ({@code libcamera*.so*}), or the whole path when they contain a '/'.
 *
 * <p>Without root, other users' {@code fd} directories cannot be read; those processes are
 * counted in {@link Scan#uninspectable()} so the caller can say so. Stateless and thread-safe;
 * each {@link #scan()} reads {@code /proc} afresh (tens of milliseconds on a Pi).
 */
public final class CameraHolders {

    /** Camera device nodes: capture nodes, the media controller, and sensor/ISP sub-devices. */
    public static final List<String> DEFAULT_DEVICE_GLOBS = List.of("/dev/video*", "/dev/media*", "/dev/v4l-subdev*");
    /** libcamera itself and its base library. */
    public static final List<String> DEFAULT_LIBRARY_GLOBS = List.of("libcamera*.so*");

    private final Path procRoot;
    private final List<String> deviceGlobs;
    private final List<PathMatcher> devices;
    private final List<String> libraryGlobs;
    private final List<PathMatcher> libraries;

    /** The real {@code /proc} with the default globs. */
    public CameraHolders() {
        this(Path.of("/proc"), DEFAULT_DEVICE_GLOBS, DEFAULT_LIBRARY_GLOBS);
    }

    /**
     * @param procRoot     normally {@code /proc}
     * @param deviceGlobs  absolute globs of device nodes, e.g. {@code /dev/video*}
     * @param libraryGlobs globs of mapped libraries; empty to ignore libraries
     * @throws IllegalArgumentException when a glob is malformed or a device glob is not absolute
     */
    public CameraHolders(Path procRoot, List<String> deviceGlobs, List<String> libraryGlobs) {
        this.procRoot = procRoot;
        this.deviceGlobs = List.copyOf(deviceGlobs);
        this.libraryGlobs = List.copyOf(libraryGlobs);
        this.devices = new ArrayList<>();
        for (String g : deviceGlobs) {
            if (!g.startsWith("/")) {
                throw new IllegalArgumentException("device glob must be an absolute path: " + g);
            }
            devices.add(matcher(g));
        }
        this.libraries = libraryGlobs.stream().map(CameraHolders::matcher).toList();
    }

    public List<String> deviceGlobs() {
        return deviceGlobs;
    }

    public List<String> libraryGlobs() {
        return libraryGlobs;
    }

    public Path procRoot() {
        return procRoot;
    }

    /**
     * What one look at {@code /proc} found.
     *
     * @param holders      processes holding camera resources, by pid
     * @param uninspectable processes whose open files could not be read (not ours, not root)
     */
    public record Scan(List<CameraHolder> holders, int uninspectable) {
        public Scan {
            holders = List.copyOf(holders);
        }
    }

    public Scan scan() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + procRoot + ": " + e.getMessage(), e);
        }
        pids.sort(null);
        List<CameraHolder> holders = new ArrayList<>();
        int uninspectable = 0;
        for (long pid : pids) {
            Inspection in = inspect(pid);
            if (in.denied) {
                uninspectable++;
            }
            if (in.holder != null) {
                holders.add(in.holder);
            }
        }
        return new Scan(holders, uninspectable);
    }

    private record Inspection(CameraHolder holder, boolean denied) {}

    private Inspection inspect(long pid) {
        Path dir = procRoot.resolve(Long.toString(pid));
        Map<String, TreeSet<Integer>> fdsByDevice = new LinkedHashMap<>();
        boolean denied = false;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    continue; // closed meanwhile
                }
                if (isDevice(target)) {
                    fdsByDevice.computeIfAbsent(target, k -> new TreeSet<>())
                            .add(Integer.parseInt(fd.getFileName().toString()));
                }
            }
        } catch (NoSuchFileException e) {
            return new Inspection(null, false); // exited
        } catch (java.nio.file.AccessDeniedException e) {
            denied = true;
        } catch (IOException e) {
            return new Inspection(null, false);
        }
        Map<String, String> mapped = new LinkedHashMap<>();
        String maps = denied ? null : ProcFs.read(dir.resolve("maps"));
        if (maps != null) {
            for (String line : maps.split("\n")) {
                String[] parts = line.strip().split("\\s+", 6);
                if (parts.length < 6 || !parts[5].startsWith("/")) {
                    continue;
                }
                String path = parts[5];
                if (isDevice(path)) {
                    mapped.putIfAbsent(path, "device");
                } else if (isLibrary(path)) {
                    mapped.putIfAbsent(path, "library");
                }
            }
        }
        if (fdsByDevice.isEmpty() && mapped.isEmpty()) {
            return new Inspection(null, denied);
        }
        List<HeldResource> holds = new ArrayList<>();
        fdsByDevice.forEach((path, fds) -> holds.add(new HeldResource("device", path,
                "fd " + String.join(", ", fds.stream().map(String::valueOf).toList())
                        + (mapped.remove(path) != null ? ", mapped" : ""))));
        mapped.forEach((path, kind) -> holds.add(new HeldResource(kind, path, kind.equals("device") ? "mapped" : "loaded")));
        String[] stat = ProcFs.statFields(procRoot, pid);
        if (stat == null || stat.length < 20) {
            return new Inspection(null, false); // exited while we looked
        }
        String command = ProcFs.cmdline(procRoot, pid);
        if (command == null) {
            command = "[" + ProcFs.comm(procRoot, pid) + "]";
        }
        return new Inspection(new CameraHolder(pid, Long.parseLong(stat[1]), Long.parseLong(stat[19]),
                owner(dir), command, holds), denied);
    }

    private boolean isDevice(String path) {
        if (!path.startsWith("/")) {
            return false; // socket:[..], pipe:[..], anon_inode:...
        }
        Path p = Path.of(path);
        return devices.stream().anyMatch(m -> m.matches(p));
    }

    private boolean isLibrary(String path) {
        Path p = Path.of(path);
        for (int i = 0; i < libraries.size(); i++) {
            Path subject = libraryGlobs.get(i).contains("/") ? p : p.getFileName();
            if (subject != null && libraries.get(i).matches(subject)) {
                return true;
            }
        }
        return false;
    }

    private static String owner(Path procDir) {
        try {
            UserPrincipal owner = Files.getOwner(procDir);
            return owner.getName();
        } catch (IOException e) {
            return "?";
        }
    }

    private static PathMatcher matcher(String glob) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad glob \"" + glob + "\": " + e.getMessage(), e);
        }
    }
}
