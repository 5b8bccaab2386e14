package dev.stereo.app.systemd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code systemd-analyze verify systemd/stereo.service} with the real systemd-analyze: it must exit
 * 0 and print nothing (systemd reports unknown keys and bad values as warnings with exit 0, so
 * silence is the real pass).
 */
class ServiceUnitTest {

    /** Surefire runs in app/; the unit is at the repository root. */
    static final Path UNIT = Path.of("..", "systemd", "stereo.service");

    record Result(int code, String output) {}

    static Result verify(Path unit) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail("systemd-analyze is not installed; scripts/install-deps.sh --test installs it (package "
                    + "systemd): " + e.getMessage());
        }
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("systemd-analyze verify hung");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }

    @Test
    void systemdAnalyzeVerifyPassesWithoutAWarning() throws Exception {
        Result r = verify(UNIT);
        assertEquals("", r.output(), "systemd-analyze verify printed warnings");
        assertEquals(0, r.code());
    }

    @Test
    void theCheckWouldCatchAMistake(@TempDir Path dir) throws Exception {
        String good = Files.readString(UNIT);
        Path bad = dir.resolve("stereo.service");
        Files.writeString(bad, good.replace("Type=notify", "Type=notfy"));
        Result r = verify(bad);
        assertTrue(r.output().contains("notfy"), r.output());
    }

    @Test
    void unitRunsTheJarAsADedicatedUserWithTheAgreedHardening() throws Exception {
        List<String> lines = Files.readAllLines(UNIT).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (String required : List.of("Type=notify", "NotifyAccess=main", "User=stereo", "SupplementaryGroups=video",
                "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                "ReadWritePaths=/var/lib/stereo", "DevicePolicy=closed", "DeviceAllow=char-video4linux rw",
                "DeviceAllow=char-media rw", "DeviceAllow=char-gpiochip rw", "StandardOutput=journal",
                "WantedBy=multi-user.target")) {
            assertTrue(lines.contains(required), "stereo.service lacks " + required);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("WatchdogSec=")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ExecStart=/usr/bin/java ") && l.contains("-jar /opt/stereo/stereo.jar")));
        assertFalse(lines.contains("MemoryDenyWriteExecute=yes"), "the JIT needs W+X memory");
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("PrivateDevices=")), "would hide the cameras");
    }
}
