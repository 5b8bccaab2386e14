package dev.stereo.app.packaging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every shell script of the project passes the real shellcheck and runs in strict mode. */
class ShellScriptsTest {

    /** Surefire runs in app/. */
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    static List<Path> scripts() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(REPO.resolve("scripts"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".sh")).sorted().forEach(all::add);
        }
        all.add(REPO.resolve(".ci/run"));
        return all;
    }

    @Test
    void shellcheckFindsNothing() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "--severity=style", "--external-sources"));
        scripts().forEach(p -> cmd.add(p.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("shellcheck is not installed; scripts/install-deps.sh --test installs it: " + e.getMessage());
            return;
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "shellcheck hung");
        assertEquals("", out.strip(), "shellcheck findings");
        assertEquals(0, p.exitValue());
    }

    @Test
    void shellcheckWouldCatchAnUnquotedVariable() throws Exception {
        Path bad = Files.createTempFile("bad", ".sh");
        try {
            Files.writeString(bad, "#!/usr/bin/env bash\nset -euo pipefail\nrm -rf $1/x\n");
            Process p = new ProcessBuilder("shellcheck", bad.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            assertTrue(out.contains("SC2086"), out);
        } finally {
            Files.delete(bad);
        }
    }

    @Test
    void everyScriptIsBashInStrictModeAndExecutable() throws Exception {
        List<Path> all = scripts();
        assertTrue(all.size() >= 9, "scripts found: " + all);
        for (Path s : all) {
            List<String> lines = Files.readAllLines(s);
            assertEquals("#!/usr/bin/env bash", lines.get(0), s + ": shebang");
            assertTrue(lines.stream().anyMatch(l -> l.strip().equals("set -euo pipefail")), s + ": set -euo pipefail");
            assertTrue(Files.isExecutable(s), s + " is not executable");
        }
    }
}
