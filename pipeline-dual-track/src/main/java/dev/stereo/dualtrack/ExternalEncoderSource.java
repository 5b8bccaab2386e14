package dev.stereo.dualtrack;

import dev.stereo.core.Eye;
import dev.stereo.core.StereoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One eye encoded by an external process that writes Annex-B H.264 to its stdout (rpicam-vid on
 * a Pi, ffmpeg in tests), supervised: its stdout is cut into access units by an
 * {@link AnnexBSplitter} and published to the eye's {@link AccessUnitBroadcaster}; its stderr goes
 * to the log line by line; when it exits it is restarted after a backoff (doubling per quick
 * exit, reset once a run lasted {@code stableAfter}). Viewers stay connected across restarts:
 * the first unit after one is marked as following a gap, so each viewer resumes at the new
 * process's first IDR.
 *
 * <p>Keyframe requests cannot reach such a process; a joining viewer waits for its next IDR
 * (at most one GOP).
 *
 * <p>Lifecycle and threads: {@link #start()} launches the first process (a command that cannot be
 * run is a {@link StereoException} at once) and a supervisor thread that reads stdout and restarts;
 * a daemon thread per process drains stderr. {@link #close()} stops the supervisor, destroys the
 * process (forcibly after a second) and joins. Capture time of a unit is when its first bytes
 * were read (the process's own capture time is not visible).
 */
final class ExternalEncoderSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalEncoderSource.class);

    private final Eye eye;
    private final ExternalEncoderSettings settings;
    private final List<String> command;
    private final AccessUnitBroadcaster out;
    private final AnnexBSplitter splitter;
    private final AtomicLong units = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean running;
    private volatile Process process;
    private volatile int lastExitCode;
    private Thread supervisor;

    /**
     * @param command the expanded command ({@link ExternalEncoderSettings#expand})
     */
    ExternalEncoderSource(Eye eye, ExternalEncoderSettings settings, List<String> command, AccessUnitBroadcaster out) {
        this.eye = eye;
        this.settings = settings;
        this.command = List.copyOf(command);
        this.out = out;
        this.splitter = new AnnexBSplitter(au -> {
            units.incrementAndGet();
            out.publish(au);
        });
    }

    /** Starts the process and its supervisor. */
    void start() throws StereoException {
        running = true;
        try {
            process = launch();
        } catch (IOException e) {
            running = false;
            throw new StereoException("external encoder for the " + eye.key() + " eye could not be started ("
                    + String.join(" ", command) + "): " + e.getMessage(), e);
        }
        supervisor = new Thread(this::supervise, "external-encoder-" + eye.key());
        supervisor.setDaemon(true);
        supervisor.start();
    }

    private Process launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close(); // it gets no input
        Thread err = new Thread(() -> pumpStderr(p), "external-encoder-" + eye.key() + "-stderr");
        err.setDaemon(true);
        err.start();
        LOG.info("{} eye: external encoder started (pid {}): {}", eye.key(), p.pid(), String.join(" ", command));
        return p;
    }

    private void pumpStderr(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                LOG.info("[{} encoder] {}", eye.key(), line);
            }
        } catch (IOException e) {
            // the process went away; its exit is logged by the supervisor
        }
    }

    private void supervise() {
        long backoff = settings.minBackoff().toNanos();
        while (running) {
            Process p = process;
            long started = System.nanoTime();
            if (p != null) {
                read(p);
                lastExitCode = waitFor(p);
            }
            // Whatever was half-read belongs to a picture that will never finish.
            splitter.reset();
            if (!running) {
                return;
            }
            long ran = System.nanoTime() - started;
            if (ran >= settings.stableAfter().toNanos()) {
                backoff = settings.minBackoff().toNanos();
            }
            LOG.warn("{} eye: external encoder {} after {} ms; restarting in {} ms", eye.key(),
                    p == null ? "could not start" : "exited with code " + lastExitCode,
                    TimeUnit.NANOSECONDS.toMillis(ran), TimeUnit.NANOSECONDS.toMillis(backoff));
            LockSupport.parkNanos(backoff);
            backoff = Math.min(settings.maxBackoff().toNanos(), Math.max(1, backoff * 2));
            if (!running) {
                return;
            }
            try {
                process = launch();
                restarts.incrementAndGet();
            } catch (IOException e) {
                process = null;
                LOG.error("{} eye: external encoder could not be restarted: {}", eye.key(), e.getMessage());
            }
        }
    }

    /** Reads stdout until EOF, feeding the splitter. */
    private void read(Process p) {
        byte[] buf = new byte[64 * 1024];
        long idleNanos = settings.idleFlush().toNanos();
        try (InputStream in = p.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                splitter.feed(buf, 0, n, System.nanoTime(), System.currentTimeMillis());
                if (idleNanos > 0 && in.available() == 0 && quietFor(in, idleNanos)) {
                    splitter.flush();
                }
            }
        } catch (IOException e) {
            if (running) {
                LOG.warn("{} eye: reading the external encoder failed: {}", eye.key(), e.getMessage());
            }
        }
    }

    /** True when nothing arrives within {@code nanos}: the writer finished its picture. */
    private static boolean quietFor(InputStream in, long nanos) throws IOException {
        long deadline = System.nanoTime() + nanos;
        while (System.nanoTime() < deadline) {
            LockSupport.parkNanos(Math.min(100_000L, nanos));
            if (in.available() > 0) {
                return false;
            }
        }
        return true;
    }

    private int waitFor(Process p) {
        try {
            if (!p.waitFor(1, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(1, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(1, TimeUnit.SECONDS);
                }
            }
            return p.isAlive() ? -1 : p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Access units read from the process(es) so far. */
    long units() {
        return units.get();
    }

    /** Times the process was restarted. */
    long restarts() {
        return restarts.get();
    }

    /** True while a process is running. */
    boolean isAlive() {
        Process p = process;
        return running && p != null && p.isAlive();
    }

    /** The running process, for tests that kill it. */
    ProcessHandle processHandle() {
        Process p = process;
        return p == null ? null : p.toHandle();
    }

    CodecChoice choice() {
        return new CodecChoice("external:" + settings.program(),
                "an external encoder command is configured for this eye: it encodes, Java only passes its "
                        + "access units through (restarted " + restarts.get() + " times)");
    }

    /** Stops supervising and ends the process. Idempotent. */
    @Override
    public void close() {
        running = false;
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(1, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Thread t = supervisor;
        if (t != null) {
            t.interrupt();
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
