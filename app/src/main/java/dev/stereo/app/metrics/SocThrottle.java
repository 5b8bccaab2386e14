package dev.stereo.app.metrics;

import dev.stereo.core.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Raspberry Pi firmware's throttling flags, from {@code vcgencmd get_throttled}
 * ({@code throttled=0x50005}): under-voltage, ARM frequency capped, throttled and soft
 * temperature limit, each "now" (bits 0-3) and "since boot" (bits 16-19). As gauges
 * {@code stereo_soc_throttled{flag,when}} = 0 or 1, only when {@code vcgencmd} is on the PATH
 * (not a Pi: no series, no error). The command runs at most every few seconds, on the scrape
 * thread; when it fails the gauges read NaN and one warning is logged.
 */
final class SocThrottle {

    private static final Logger LOG = LoggerFactory.getLogger(SocThrottle.class);
    /** Flag names in bit order (bit 0..3 now, 16..19 since boot). */
    static final String[] FLAGS = {"under_voltage", "arm_frequency_capped", "throttled", "soft_temperature_limit"};
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Path vcgencmd;
    private long readAt = Long.MIN_VALUE;
    private long value = -1; // -1: unknown
    private boolean warned;

    SocThrottle(Path vcgencmd) {
        this.vcgencmd = vcgencmd;
    }

    /** Registers the gauges when {@code vcgencmd} is found on {@code pathEnv} (the PATH value); else nothing. */
    static void bind(MeterRegistry registry, String pathEnv) {
        Path cmd = find(pathEnv);
        if (cmd == null) {
            LOG.debug("no vcgencmd on the PATH: no throttling series");
            return;
        }
        SocThrottle t = new SocThrottle(cmd);
        for (int bit = 0; bit < FLAGS.length; bit++) {
            for (String when : new String[] {"now", "since_boot"}) {
                int mask = 1 << (when.equals("now") ? bit : bit + 16);
                Gauge.builder(MetricNames.SOC_THROTTLED, t, s -> s.flag(mask))
                        .description("1 when the Pi firmware reports the condition (vcgencmd get_throttled)")
                        .tags(MetricNames.FLAG, FLAGS[bit], MetricNames.WHEN, when)
                        .strongReference(true).register(registry);
            }
        }
    }

    /** The executable {@code vcgencmd} in one of the PATH's directories, or null. */
    static Path find(String pathEnv) {
        if (pathEnv == null) {
            return null;
        }
        for (String dir : pathEnv.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "vcgencmd");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The bit mask from {@code vcgencmd get_throttled} output ({@code throttled=0x50005}).
     *
     * @throws IllegalArgumentException when the text is not of that form
     */
    static long parse(String output) {
        String s = output.trim();
        if (!s.startsWith("throttled=0x")) {
            throw new IllegalArgumentException("expected \"throttled=0x<hex>\" from vcgencmd get_throttled, got \""
                    + s + "\"");
        }
        try {
            return Long.parseLong(s.substring("throttled=0x".length()), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected hexadecimal after \"throttled=0x\", got \"" + s + "\"");
        }
    }

    private synchronized double flag(int mask) {
        long now = System.nanoTime();
        if (now - readAt > CACHE_NANOS || readAt == Long.MIN_VALUE) {
            readAt = now;
            value = read();
        }
        return value < 0 ? Double.NaN : (value & mask) != 0 ? 1 : 0;
    }

    private long read() {
        try {
            Process p = new ProcessBuilder(vcgencmd.toString(), "get_throttled").redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(vcgencmd + " get_throttled did not answer within 2 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (p.exitValue() != 0) {
                throw new IOException(vcgencmd + " get_throttled exited with " + p.exitValue() + ": " + out.trim());
            }
            return parse(out);
        } catch (IOException | IllegalArgumentException e) {
            if (!warned) {
                warned = true;
                LOG.warn("throttling flags unavailable: {}", e.getMessage());
            }
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
