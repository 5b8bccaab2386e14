package dev.stereo.app.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process-wide series: CPU, memory and the SoC temperature from a fake thermal zone file. */
class ApplianceMetricsTest {

    @TempDir Path tmp;

    @Test
    void temperatureFollowsTheThermalZoneFile() throws Exception {
        Path zone = tmp.resolve("temp");
        Files.writeString(zone, "48312\n");
        var registry = ApplianceMetrics.create(zone);
        assertTrue(registry.scrape().lines().anyMatch(l -> l.equals("stereo_soc_temperature_celsius 48.312")),
                registry.scrape());
        Files.writeString(zone, "81000\n");
        assertTrue(registry.scrape().lines().anyMatch(l -> l.equals("stereo_soc_temperature_celsius 81.0")),
                registry.scrape());
    }

    @Test
    void processCpuAndMemoryAreExposed() {
        String text = ApplianceMetrics.create(tmp.resolve("missing")).scrape();
        assertFalse(text.contains("stereo_soc_temperature_celsius"), "no zone file, no series:\n" + text);
        assertTrue(text.contains("\nprocess_cpu_usage "), text);
        assertTrue(text.contains("jvm_memory_used_bytes{"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("process_resident_memory_bytes [1-9].*")), text);
    }
}
