package dev.stereo.app.reclaim;

import dev.stereo.calibration.ConfigException;
import dev.stereo.calibration.ConfigLoader;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.camera.reclaim.CameraHolder;
import dev.stereo.camera.reclaim.CameraHolders;
import dev.stereo.camera.reclaim.HeldResource;
import dev.stereo.camera.reclaim.Reclaimer;
import dev.stereo.camera.reclaim.Reclaimer.Outcome;
import dev.stereo.camera.reclaim.Reclaimer.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code stereo reclaim}: lists (and with {@code --kill} stops) every process that holds a camera
 * device or has libcamera loaded. The exit code tells scripts whether the cameras are free.
 */
@Command(name = "reclaim", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Finds every process that keeps the cameras from stereo: open or mapped /dev/video*, /dev/media* "
                    + "and /dev/v4l-subdev* nodes, and processes with libcamera loaded (PipeWire/WirePlumber, a "
                    + "stray rpicam-vid), through /proc/*/fd and /proc/*/maps. Prints PID, user, command line and "
                    + "what each holds.",
            "With --kill it sends SIGTERM, waits --timeout seconds, then SIGKILL. It never signals itself, its "
                    + "parent (or any process that started it), PID 1 or a kernel thread. Run it as root to see "
                    + "and stop other users' processes. A process a service manager restarts (WirePlumber as a "
                    + "user service) comes back: stop or mask that service instead."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:no process holds a camera resource (any more, after --kill)",
            "1:--kill could not free every camera: a holder was refused (this process, its parent, PID 1), "
                    + "could not be signalled (not root) or survived SIGKILL, or something took a camera again",
            "2:bad usage or an invalid configuration file",
            "3:processes hold camera resources and were left alone (listing, or --kill not confirmed)"})
public final class ReclaimCommand implements Callable<Integer> {

    public static final int FREE = 0;
    public static final int STILL_HELD = 1;
    public static final int USAGE = 2;
    public static final int HELD = 3;

    /** Where serve looks for its configuration, in this order, when --config is not given. */
    static final Path[] DEFAULT_CONFIGS = {Path.of("/etc/stereo/camera_profiles.yaml"),
        Path.of("config/camera_profiles.yaml")};

    @Spec
    CommandSpec spec;

    @Option(names = "--list", description = "Only list the holders (the default).")
    boolean list;

    @Option(names = "--kill", description = "Stop the holders: SIGTERM, then SIGKILL after --timeout.")
    boolean kill;

    @Option(names = {"-y", "--yes"}, description = "With --kill: do not ask for confirmation.")
    boolean yes;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "5",
            description = "Seconds between SIGTERM and SIGKILL (0.1..600, default ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--device-glob", paramLabel = "GLOB", split = ",",
            defaultValue = "/dev/video*,/dev/media*,/dev/v4l-subdev*",
            description = "Device nodes that count as cameras (repeatable; default ${DEFAULT-VALUE}).")
    List<String> deviceGlobs;

    @Option(names = "--library-glob", paramLabel = "GLOB", split = ",", defaultValue = "libcamera*.so*",
            description = "Mapped libraries that count as holding the cameras, matched against the file name "
                    + "(repeatable; default ${DEFAULT-VALUE}; 'none' ignores libraries).")
    List<String> libraryGlobs;

    @Option(names = "--if-configured",
            description = "Do nothing (exit 0) unless the configuration says reclaim_on_start: true and not both "
                    + "cameras use the test source. For the service's start-up step.")
    boolean ifConfigured;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration read by --if-configured. Default: /etc/stereo/camera_profiles.yaml, else "
                    + "./config/camera_profiles.yaml, else built-in defaults.")
    Path config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        validate();
        if (ifConfigured) {
            StereoConfig c = loadConfig();
            if (!ReclaimOnStart.wanted(c)) {
                out.println("reclaim: nothing to do (" + ReclaimOnStart.whyNot(c) + ")");
                out.flush();
                return FREE;
            }
        }
        CameraHolders scanner = new CameraHolders(Path.of("/proc"), deviceGlobs,
                libraryGlobs.size() == 1 && libraryGlobs.get(0).equals("none") ? List.of() : libraryGlobs);
        CameraHolders.Scan scan = scanner.scan();
        Reclaimer reclaimer = new Reclaimer();
        warnUninspectable(err, scan);
        if (scan.holders().isEmpty()) {
            out.println("No process holds a camera resource (" + String.join(", ", scanner.deviceGlobs())
                    + (scanner.libraryGlobs().isEmpty() ? "" : ", " + String.join(", ", scanner.libraryGlobs()))
                    + ").");
            out.flush();
            return FREE;
        }
        print(out, scan.holders(), reclaimer);
        if (!kill) {
            out.println("Nothing was stopped. 'stereo reclaim --kill' stops them.");
            out.flush();
            return HELD;
        }
        long killable = scan.holders().stream().filter(h -> reclaimer.protection(h).isEmpty()).count();
        if (killable > 0 && !yes && !confirm(out, killable)) {
            out.println("Nothing was stopped.");
            out.flush();
            return HELD;
        }
        List<Outcome> outcomes = reclaimer.stop(scan.holders(), Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
        for (Outcome o : outcomes) {
            out.printf("PID %d %s: %s%n", o.holder().pid(), verb(o.result()), o.detail());
        }
        CameraHolders.Scan after = scanner.scan();
        if (after.holders().isEmpty()) {
            out.println("The cameras are free.");
            out.flush();
            return FREE;
        }
        out.println("Still holding camera resources:");
        print(out, after.holders(), reclaimer);
        for (CameraHolder h : after.holders()) {
            boolean respawned = outcomes.stream().noneMatch(o -> o.holder().pid() == h.pid())
                    && outcomes.stream().anyMatch(o -> o.holder().command().equals(h.command()));
            if (respawned) {
                out.printf("PID %d runs the same command as one just stopped: a service manager restarts it; "
                        + "stop or mask that service (e.g. systemctl --user mask wireplumber).%n", h.pid());
            }
        }
        out.flush();
        return STILL_HELD;
    }

    private void validate() {
        if (list && kill) {
            throw new ParameterException(spec.commandLine(), "--list and --kill exclude each other");
        }
        if (yes && !kill) {
            throw new ParameterException(spec.commandLine(), "--yes only applies to --kill");
        }
        if (!(timeoutSeconds >= 0.1 && timeoutSeconds <= 600)) {
            throw new ParameterException(spec.commandLine(), "--timeout must be between 0.1 and 600 seconds");
        }
        if (config != null && !ifConfigured) {
            throw new ParameterException(spec.commandLine(), "--config only applies to --if-configured");
        }
        try {
            new CameraHolders(Path.of("/proc"), deviceGlobs, List.of());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device-glob: " + e.getMessage());
        }
    }

    private StereoConfig loadConfig() {
        Path file = config;
        if (file == null) {
            for (Path p : DEFAULT_CONFIGS) {
                if (Files.isRegularFile(p)) {
                    file = p;
                    break;
                }
            }
        }
        try {
            return file == null ? ConfigLoader.defaults() : ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private boolean confirm(PrintWriter out, long n) {
        out.printf("Stop %d process%s (SIGTERM, then SIGKILL after %s s)? [y/N] ", n, n == 1 ? "" : "es",
                fmt(timeoutSeconds));
        out.flush();
        try {
            // Not System.console(): a script may pipe the answer. End of input (e.g. /dev/null) is "no".
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
        } catch (IOException e) {
            return false;
        }
    }

    static void print(PrintWriter out, List<CameraHolder> holders, Reclaimer reclaimer) {
        out.printf("%-8s %-12s %s%n", "PID", "USER", "COMMAND / HOLDS");
        for (CameraHolder h : holders) {
            String note = reclaimer.protection(h).map(w -> "   (never stopped: " + w + ")").orElse("");
            out.printf("%-8d %-12s %s%s%n", h.pid(), h.user(), h.command(), note);
            for (HeldResource r : h.holds()) {
                out.printf("%-8s %-12s   holds %s%n", "", "", r);
            }
        }
        out.printf("%d process%s hold%s camera resources.%n", holders.size(), holders.size() == 1 ? "" : "es",
                holders.size() == 1 ? "s" : "");
    }

    private static void warnUninspectable(PrintWriter err, CameraHolders.Scan scan) {
        if (scan.uninspectable() > 0) {
            err.printf("reclaim: %d process%s of other users could not be inspected; run as root to see them all%n",
                    scan.uninspectable(), scan.uninspectable() == 1 ? "" : "es");
            err.flush();
        }
    }

    private static String verb(Result r) {
        return switch (r) {
            case STOPPED -> "stopped";
            case KILLED -> "killed";
            case GONE -> "gone";
            case REFUSED -> "left alone";
            case DENIED -> "not stopped";
            case SURVIVED -> "NOT stopped";
        };
    }

    private static String fmt(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
