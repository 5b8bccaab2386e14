package dev.stereo.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real headless Chromium that stays connected and reports every {@code interval} ms what it
 * receives ({@code e2e/live.mjs}): bytes and frames per track, the colour grid of the picture and
 * the peer connection's states. Owns the node process; {@link #close()} ends it.
 */
final class LiveViewer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<JsonNode> samples = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Long> playing = new CompletableFuture<>();
    private final CompletableFuture<JsonNode> end = new CompletableFuture<>();

    private LiveViewer(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.startsWith("{")) {
                        continue;
                    }
                    JsonNode j = JSON.readTree(line);
                    switch (j.path("event").asText()) {
                        case "playing" -> playing.complete(j.path("t").asLong());
                        case "sample" -> samples.add(j);
                        case "end" -> {
                            end.complete(j);
                            playing.completeExceptionally(new AssertionError("live viewer ended: " + j));
                        }
                        default -> { }
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            end.completeExceptionally(new AssertionError("live viewer printed no end line"));
            playing.completeExceptionally(new AssertionError("live viewer never played"));
        }, "live-viewer");
        reader.setDaemon(true);
        reader.start();
    }

    static LiveViewer start(String url, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", Viewer.repo().resolve("e2e/live.mjs").toString(),
                "--url", url, "--interval", "250", "--max-hold", "120"));
        cmd.addAll(List.of(args));
        return new LiveViewer(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** Waits until both tracks show pictures; returns the wall-clock time of that. */
    long awaitPlaying(long seconds) throws Exception {
        return playing.get(seconds, TimeUnit.SECONDS);
    }

    List<JsonNode> samples() {
        return List.copyOf(samples);
    }

    /** Waits until a sample matches, or fails after {@code seconds}; returns it. */
    JsonNode await(Predicate<JsonNode> condition, double seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        int seen = 0;
        while (System.nanoTime() < deadline) {
            List<JsonNode> s = samples();
            for (int i = seen; i < s.size(); i++) {
                if (condition.test(s.get(i))) {
                    return s.get(i);
                }
            }
            seen = s.size();
            Thread.sleep(50);
        }
        throw new AssertionError("no sample showed " + what + " within " + seconds + " s; last: "
                + (samples.isEmpty() ? "none" : samples.get(samples.size() - 1)));
    }

    /** Waits until samples cover the time {@code epochMs}. */
    void awaitTime(long epochMs) throws InterruptedException {
        await(s -> s.path("t").asLong() >= epochMs, (epochMs - System.currentTimeMillis()) / 1000.0 + 10,
                "time " + epochMs);
    }

    /** Ends the session (the page hangs up with DELETE) and returns the final line. */
    JsonNode finish(long seconds) throws Exception {
        process.getOutputStream().close();
        return end.get(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        Viewer.stop(process);
    }
}
