package dev.stereo.app.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throttling flags from {@code vcgencmd get_throttled}. This machine is no Pi, so the command is
 * a stand-in script on a private PATH printing what the firmware prints.
 */
class SocThrottleTest {

    @TempDir Path tmp;

    @Test
    void parsesTheFirmwaresBitMask() {
        assertEquals(0x50005, SocThrottle.parse("throttled=0x50005\n"));
        assertEquals(0, SocThrottle.parse("throttled=0x0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SocThrottle.parse("VCHI initialization failed"));
        assertTrue(e.getMessage().contains("throttled=0x"), e.getMessage());
    }

    @Test
    void noVcgencmdOnThePathMeansNoSeries() {
        assertNull(SocThrottle.find(tmp.toString()));
        assertNull(SocThrottle.find(null));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SocThrottle.bind(registry, tmp.toString());
        assertFalse(registry.scrape().contains("stereo_soc_throttled"), registry.scrape());
    }

    @Test
    void eachFlagNowAndSinceBootIsAGauge() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path cmd = bin.resolve("vcgencmd");
        // under-voltage now (bit 0), throttled now (bit 2), and both since boot (bits 16, 18)
        Files.writeString(cmd, "#!/bin/sh\n[ \"$1\" = get_throttled ] || exit 2\necho throttled=0x50005\n");
        Files.setPosixFilePermissions(cmd, PosixFilePermissions.fromString("rwxr-xr-x"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SocThrottle.bind(registry, tmp.resolve("nothing-here") + ":" + bin);
        String text = registry.scrape();
        assertTrue(text.contains("stereo_soc_throttled{flag=\"under_voltage\",when=\"now\"} 1.0"), text);
        assertTrue(text.contains("stereo_soc_throttled{flag=\"throttled\",when=\"since_boot\"} 1.0"), text);
        assertTrue(text.contains("stereo_soc_throttled{flag=\"arm_frequency_capped\",when=\"now\"} 0.0"), text);
        assertTrue(text.contains("stereo_soc_throttled{flag=\"soft_temperature_limit\",when=\"since_boot\"} 0.0"), text);
    }
}
