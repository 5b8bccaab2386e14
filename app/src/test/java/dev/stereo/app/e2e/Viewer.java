package dev.stereo.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Chromium viewer, driven by {@code e2e/viewer.mjs} (Playwright). Owns the node
 * process; the JSON line it prints is the measurement.
 */
final class Viewer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final CompletableFuture<String> stdout;

    private Viewer(Process process) {
        this.process = process;
        this.stdout = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    static Path repo() {
        return Path.of(System.getProperty("stereo.repo", "..")).toAbsolutePath().normalize();
    }

    /** Starts a viewer: {@code args} are viewer.mjs options, e.g. "--mode", "whep", "--seconds", "10". */
    static Viewer start(String url, String... args) throws IOException {
        Path script = repo().resolve("e2e/viewer.mjs");
        if (!Files.isRegularFile(repo().resolve("e2e/node_modules/playwright-core/package.json"))) {
            throw new IllegalStateException("e2e/node_modules missing: run 'npm ci --prefix e2e' (scripts/test.sh does)");
        }
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), "--url", url));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Viewer(p);
    }

    /** Waits for the viewer to finish and returns its JSON result. */
    JsonNode result(long timeoutSeconds) throws Exception {
        String out = stdout.get(timeoutSeconds, TimeUnit.SECONDS);
        process.waitFor(10, TimeUnit.SECONDS);
        String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (last == null) {
            throw new AssertionError("viewer printed no JSON result; output:\n" + out);
        }
        return JSON.readTree(last);
    }

    /** For --hold viewers: closing stdin ends the hold. */
    void release() throws IOException {
        OutputStream in = process.getOutputStream();
        in.close();
    }

    @Override
    public void close() {
        stop(process);
    }

    /** SIGTERM, up to 10 s to exit, then SIGKILL (node viewers: the browser closes on SIGTERM). */
    static void stop(Process process) {
        if (process.isAlive()) {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }
}
