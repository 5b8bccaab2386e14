package dev.stereo.web;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web client's pure logic (stereo pairing, screen settings) under Node's own test runner:
 * {@code src/test/js/*.test.mjs} import the very modules the page serves. Needs {@code node}
 * (Node 20+, as for the e2e tests); without it this test fails and says so.
 */
class WebClientLogicTest {

    @Test
    void clientLogicPassesItsNodeTests() throws Exception {
        Path dir = Path.of("src/test/js");
        List<String> cmd = new ArrayList<>(List.of("node", "--test"));
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".test.mjs")).sorted()
                    .forEach(f -> cmd.add(f.toString()));
        }
        assertTrue(cmd.size() > 2, "no *.test.mjs files in " + dir.toAbsolutePath());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("'node' is needed to test the web client (apt-get install nodejs): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node --test did not finish:\n" + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("# fail 0"), out);
        assertFalse(out.contains("# pass 0"), "no test ran:\n" + out);
    }
}
