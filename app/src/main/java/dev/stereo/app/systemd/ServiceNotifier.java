package dev.stereo.app.systemd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Tells systemd how the service is doing: {@code READY=1} once serving, a {@code STATUS=} line,
 * {@code STOPPING=1} on shutdown, and watchdog pings at half the {@code WatchdogSec=} interval.
 *
 * <p>The watchdog is a health check, not a heartbeat: each tick asks {@code health} and pings only
 * when it reports no problem. A pipeline stuck in "error" therefore stops the pings and systemd
 * restarts the service ({@code Restart=on-failure} includes watchdog timeouts), which is how the
 * appliance recovers on its own from a wedged camera or encoder.
 */
public final class ServiceNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceNotifier.class);

    /** What the watchdog tick learns: a problem (no ping) or null, and a status line. */
    public record Health(String problem, String status) {
        public static Health ok(String status) {
            return new Health(null, status);
        }
    }

    private final SdNotify notify;
    private final long watchdogMicros;
    private final Supplier<Health> health;
    private ScheduledExecutorService timer;   // guarded by this
    private volatile String lastProblem;

    /**
     * @param env    the process environment ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID})
     * @param health asked on every watchdog tick; must not block
     */
    public ServiceNotifier(Map<String, String> env, Supplier<Health> health) {
        this.notify = SdNotify.fromEnvironment(env);
        this.watchdogMicros = watchdogMicros(env);
        this.health = health;
    }

    /** {@code WATCHDOG_USEC} when the watchdog is meant for this process, else 0. */
    static long watchdogMicros(Map<String, String> env) {
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (usec == null) {
            return 0;
        }
        if (pid != null && !pid.strip().equals(Long.toString(ProcessHandle.current().pid()))) {
            return 0; // meant for another process (e.g. a wrapper that exec'd differently)
        }
        try {
            long v = Long.parseLong(usec.strip());
            return v > 0 ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public boolean underSystemd() {
        return notify.enabled();
    }

    public long watchdogMicros() {
        return watchdogMicros;
    }

    /** The service is up: READY=1, and the watchdog starts ticking. */
    public synchronized void ready(String status) {
        if (!notify.enabled()) {
            return;
        }
        notify.send("READY=1\nSTATUS=" + oneLine(status) + "\nMAINPID=" + ProcessHandle.current().pid());
        if (watchdogMicros > 0 && timer == null) {
            long periodMicros = Math.max(watchdogMicros / 2, 1000);
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "systemd-watchdog");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::tick, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
            LOG.info("systemd watchdog: pinging every {} ms while the pipeline is healthy", periodMicros / 1000);
        }
    }

    void tick() {
        Health h;
        try {
            h = health.get();
        } catch (RuntimeException e) {
            h = new Health("health check failed: " + e, "health check failed");
        }
        if (h.problem() == null) {
            if (lastProblem != null) {
                LOG.info("healthy again; systemd watchdog pings resume");
                lastProblem = null;
            }
            notify.send("WATCHDOG=1\nSTATUS=" + oneLine(h.status()));
        } else {
            if (!h.problem().equals(lastProblem)) {
                LOG.warn("withholding the systemd watchdog ping: {} (systemd restarts the service if this lasts "
                        + "{} ms)", h.problem(), watchdogMicros / 1000);
                lastProblem = h.problem();
            }
            notify.send("STATUS=" + oneLine("unhealthy: " + h.problem()));
        }
    }

    /** Shutting down: stop pinging, tell systemd it is intended. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        notify.send("STOPPING=1\nSTATUS=stopping");
        notify.close();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ');
    }
}
