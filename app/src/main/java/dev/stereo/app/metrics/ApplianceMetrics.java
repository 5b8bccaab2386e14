package dev.stereo.app.metrics;

import dev.stereo.app.thermal.ThermalSensor;
import dev.stereo.core.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The registry {@code GET /metrics} scrapes, with the process-wide series: process and system CPU
 * ({@code process_cpu_usage}, {@code system_cpu_usage}, load), JVM memory, GC and threads, open
 * file descriptors, uptime, resident memory ({@code process_resident_memory_bytes}) and the SoC
 * temperature ({@code stereo_soc_temperature_celsius}, from the thermal zone file thermal
 * protection reads) and, on a Raspberry Pi, the firmware's throttling flags
 * ({@code stereo_soc_throttled}, see {@link SocThrottle}). The web server adds the pipeline's and the viewers' series to it.
 *
 * <p>Lives as long as the process; nothing here needs closing.
 */
public final class ApplianceMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(ApplianceMetrics.class);
    private static final Path STATM = Path.of("/proc/self/statm");
    /** The kernel's page size is 4 KiB on every platform stereo targets (x86-64, arm64 Pi OS). */
    private static final long PAGE_BYTES = 4096;

    private ApplianceMetrics() {}

    /**
     * @param thermalZone the thermal zone file (config {@code thermal.sensor}); null or unreadable:
     *                    no temperature series (a machine without /sys/class/thermal)
     */
    @SuppressWarnings("resource") // JvmGcMetrics lives as long as the process
    public static PrometheusMeterRegistry create(Path thermalZone) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ProcessorMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (Files.isReadable(STATM)) {
            Gauge.builder(MetricNames.PROCESS_RESIDENT_MEMORY, STATM, ApplianceMetrics::residentBytes)
                    .description("Resident set size of the stereo process").register(registry);
        }
        SocThrottle.bind(registry, System.getenv("PATH"));
        if (thermalZone != null && Files.isReadable(thermalZone)) {
            ThermalSensor sensor = new ThermalSensor(thermalZone);
            Gauge.builder(MetricNames.SOC_TEMPERATURE, sensor, ApplianceMetrics::celsius)
                    .description("SoC temperature from " + thermalZone)
                    .strongReference(true) // nothing else holds the sensor; a weak one would turn NaN after GC
                    .register(registry);
        } else {
            LOG.info("no SoC temperature in /metrics: {} is not readable", thermalZone);
        }
        return registry;
    }

    private static double celsius(ThermalSensor sensor) {
        try {
            return sensor.readCelsius();
        } catch (IOException e) {
            return Double.NaN; // Prometheus shows NaN: the zone vanished or holds garbage
        }
    }

    static double residentBytes(Path statm) {
        try {
            String[] fields = Files.readString(statm, StandardCharsets.US_ASCII).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE_BYTES;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
