package dev.stereo.camera.reclaim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stops processes that hold the cameras: SIGTERM to all of them at once, a grace period for them
 * to release the devices cleanly, then SIGKILL for the ones still there.
 *
 * <p>Never signals this process, any of its ancestors (its parent, the shell or service manager
 * that started it, up to PID 1) or a kernel thread: those are {@link Result#REFUSED}. A process is
 * identified by pid and start time, so a pid that was reused after the scan is never signalled.
 *
 * <p>Blocking (up to the grace period plus {@link #KILL_WAIT}); call from a CLI or start-up thread.
 */
public final class Reclaimer {

    /** How long to wait for the kernel to tear down a SIGKILLed process before calling it stuck. */
    public static final Duration KILL_WAIT = Duration.ofSeconds(2);
    private static final long POLL_MS = 20;

    /** What happened to one holder. */
    public enum Result {
        /** Exited after SIGTERM. */
        STOPPED,
        /** Needed SIGKILL. */
        KILLED,
        /** Had already exited before we signalled it. */
        GONE,
        /** Not signalled: itself, an ancestor, PID 1 or a kernel thread. */
        REFUSED,
        /** The signal could not be sent (another user's process without root). */
        DENIED,
        /** Still alive after SIGKILL (stuck in the kernel, e.g. in a driver call). */
        SURVIVED
    }

    public record Outcome(CameraHolder holder, Result result, String detail) {}

    private final Path procRoot;
    private final long self;
    private final Set<Long> ancestors;

    public Reclaimer() {
        this(Path.of("/proc"));
    }

    public Reclaimer(Path procRoot) {
        this.procRoot = procRoot;
        ProcessHandle me = ProcessHandle.current();
        this.self = me.pid();
        Set<Long> up = new HashSet<>();
        for (Optional<ProcessHandle> p = me.parent(); p.isPresent(); p = p.get().parent()) {
            if (!up.add(p.get().pid())) {
                break;
            }
        }
        this.ancestors = Set.copyOf(up);
    }

    /**
     * Why a process must never be signalled, or empty when it may be.
     */
    public Optional<String> protection(CameraHolder h) {
        if (h.pid() == self) {
            return Optional.of("it is this process");
        }
        if (h.pid() == 1) {
            return Optional.of("it is PID 1 (init)");
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        if (parent.isPresent() && parent.get().pid() == h.pid()) {
            return Optional.of("it is this process's parent");
        }
        if (ancestors.contains(h.pid())) {
            return Optional.of("it started this process (an ancestor)");
        }
        if (h.pid() == 2 || h.ppid() == 2) {
            return Optional.of("it is a kernel thread");
        }
        return Optional.empty();
    }

    /**
     * Stops every holder that may be stopped.
     *
     * @param grace how long processes get to exit after SIGTERM before SIGKILL
     * @return one outcome per holder, in the order given
     */
    public List<Outcome> stop(List<CameraHolder> holders, Duration grace) {
        Map<CameraHolder, Outcome> done = new LinkedHashMap<>();
        List<CameraHolder> signalled = new ArrayList<>();
        for (CameraHolder h : holders) {
            Optional<String> why = protection(h);
            if (why.isPresent()) {
                done.put(h, new Outcome(h, Result.REFUSED, why.get()));
            } else if (!ProcFs.alive(procRoot, h.pid(), h.startTicks())) {
                done.put(h, new Outcome(h, Result.GONE, "had already exited"));
            } else if (!signal(h, false)) {
                done.put(h, alive(h) ? new Outcome(h, Result.DENIED, "cannot signal it: permission denied (run as root)")
                        : new Outcome(h, Result.GONE, "had already exited"));
            } else {
                signalled.add(h);
            }
        }
        List<CameraHolder> left = waitFor(signalled, grace);
        for (CameraHolder h : signalled) {
            if (!left.contains(h)) {
                done.put(h, new Outcome(h, Result.STOPPED, "exited after SIGTERM"));
            }
        }
        for (CameraHolder h : left) {
            signal(h, true);
        }
        List<CameraHolder> stuck = waitFor(left, KILL_WAIT);
        for (CameraHolder h : left) {
            done.put(h, stuck.contains(h)
                    ? new Outcome(h, Result.SURVIVED, "still alive " + KILL_WAIT.toSeconds() + " s after SIGKILL")
                    : new Outcome(h, Result.KILLED, "did not exit within " + seconds(grace)
                            + " s of SIGTERM; killed with SIGKILL"));
        }
        List<Outcome> out = new ArrayList<>();
        for (CameraHolder h : holders) {
            out.add(done.get(h));
        }
        return out;
    }

    private boolean alive(CameraHolder h) {
        return ProcFs.alive(procRoot, h.pid(), h.startTicks());
    }

    /**
     * SIGTERM (or SIGKILL when forced) through {@link ProcessHandle}, which re-checks the start time
     * itself just before kill(2). We compare the start time as read from /proc first, so a pid
     * reused since the scan is left alone.
     */
    private boolean signal(CameraHolder h, boolean force) {
        if (!alive(h)) {
            return false;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(h.pid());
        if (ph.isEmpty()) {
            return false;
        }
        try {
            return force ? ph.get().destroyForcibly() : ph.get().destroy();
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }

    /** Waits until every process has exited or the time is up; returns those still alive. */
    private List<CameraHolder> waitFor(List<CameraHolder> hs, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        List<CameraHolder> alive = new ArrayList<>(hs);
        while (true) {
            alive.removeIf(h -> !alive(h));
            if (alive.isEmpty() || System.nanoTime() >= deadline) {
                return alive;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return alive;
            }
        }
    }

    static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
