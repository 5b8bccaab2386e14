package dev.stereo.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The product page (/) as a Quest would use it, in headless Chromium with IWER emulating a
 * Meta Quest 3 in stereo ({@code e2e/xr.mjs}): a session requested without a user gesture is
 * refused and the page says why; the 2D page shows eye 0 on the left and eye 1 on the right
 * (probe band decoded from a screenshot); after a click on Enter VR the left XR view shows eye-0
 * content and the right view eye-1 content (probe band decoded from a per-view readback), and
 * both of one capture instant (stereo pairing). The main check runs against a server with a
 * token, so one browser run also shows the token asked once and kept, the telemetry panel in the
 * headset, and the thumbstick settings kept across a reload.
 */
class XrIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "xr-s3cret";

    @TempDir
    static Path dir;
    static Appliance appliance;

    @BeforeAll
    static void start() throws Exception {
        E2e.requireLoopbackOnlyNamespace();
        appliance = Appliance.start(E2e.config(dir, "token: " + TOKEN, ""));
    }

    @AfterAll
    static void stop() {
        if (appliance != null) {
            appliance.close();
            appliance = null;
        }
    }

    /** Runs {@code node e2e/xr.mjs --url <appliance> args...} and returns its JSON line. */
    static JsonNode runXr(String... args) throws Exception {
        return runXr(appliance, args);
    }

    static JsonNode runXr(Appliance appliance, String... args) throws Exception {
        Path repo = Viewer.repo();
        if (!Files.isRegularFile(repo.resolve("e2e/node_modules/iwer/package.json"))) {
            throw new IllegalStateException("e2e/node_modules/iwer missing: run 'npm ci --prefix e2e' (scripts/test.sh does)");
        }
        List<String> cmd = new ArrayList<>(List.of("node", repo.resolve("e2e/xr.mjs").toString(),
                "--url", appliance.url()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        try {
            String text = out.get(180, TimeUnit.SECONDS);
            p.waitFor(10, TimeUnit.SECONDS);
            String last = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
            if (last == null) {
                throw new AssertionError("xr.mjs printed no JSON result; output:\n" + text);
            }
            return JSON.readTree(last);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void eachEyeSeesItsOwnTrackInTheEmulatedQuest3AndThe2DPageShowsBothSideBySide() throws Exception {
        Path shot = dir.resolve("page-2d.png");
        JsonNode r = runXr("--screenshot", shot.toString(), "--ask-token", TOKEN, "--controls");
        System.out.println("[XrIT] " + r);

        assertPerEye(r);
        assertPairs(r);
        // 401: the page asked for the token once; after a reload it plays without asking.
        assertTrue(r.path("asked").path("form").asBoolean(), "the page asks for the token: " + r.path("asked"));
        assertTrue(r.path("reload").path("ok").asBoolean(), "reload plays with the kept token and settings: " + r.path("reload"));
        // B on a controller hides and shows the telemetry panel inside the headset.
        assertTrue(r.path("overlay").path("ok").asBoolean(), "telemetry panel toggled in XR: " + r.path("overlay"));
        // Thumbsticks: closer (the quad's probe cells grow), converged, A = world-locked; kept.
        assertTrue(r.path("controls").path("ok").asBoolean(), "thumbstick settings: " + r.path("controls"));
        assertTrue(Files.size(shot) > 0);
        JsonNode uploads = r.path("xr").path("uploads");
        assertTrue(uploads.get(0).asInt() > 0 && uploads.get(1).asInt() > 0, "both tracks uploaded in XR frames: " + uploads);
        // Key T shows the telemetry overlay with per-eye receive statistics.
        JsonNode t = r.path("telemetry");
        assertTrue(t.path("shown").asBoolean() && t.path("text").asText().matches("(?s).*left .*fps.*probe \\d+ ms.*right .*fps.*probe \\d+ ms.*unpaired.*"),
                "telemetry overlay with probe latency and pairing counts: " + t);
        // The page's telemetry summary (with the pairing counts) reached the server and shows in /api/status.
        JsonNode clients = JSON.readTree(E2e.get(appliance.url() + "/api/status", TOKEN).body()).path("clients");
        assertTrue(clients.size() >= 1 && clients.get(0).path("eyes").size() == 2,
                "client summary in /api/status: " + clients);
        // (The last summary may come from the reloaded page's first seconds: only its shape is fixed.)
        JsonNode pairing = clients.get(clients.size() - 1).path("pairing");
        assertTrue(pairing.path("paired").isInt() && pairing.path("unpaired").isInt(), "pair counts in the summary: " + pairing);
        // ... and in /metrics: the probe latency the page read from its own canvas, per eye.
        for (String eye : List.of("left", "right")) {
            double latency = clientGauge("stereo_client_latency_seconds", eye);
            System.out.println("[XrIT] client-reported " + eye + " latency " + latency + " s");
            assertTrue(latency > 0 && latency < 5, eye + " client-reported latency " + latency + " s; clients: "
                    + JSON.readTree(E2e.get(appliance.url() + "/api/status", TOKEN).body()).path("clients"));
        }
    }

    /**
     * A client-reported gauge from {@code /metrics}, waiting up to 15 s for a finite value (the
     * page posts its summary every 5 s, and its first one has no figures from before it started).
     */
    static double clientGauge(String name, String eye) throws Exception {
        String line = name + "{eye=\"" + eye + "\"} ";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String text = "";
        while (System.nanoTime() < deadline) {
            text = E2e.get(appliance.url() + "/metrics").body();
            double v = text.lines().filter(l -> l.startsWith(line)).map(l -> Double.parseDouble(l.substring(line.length())))
                    .findFirst().orElse(Double.NaN);
            if (Double.isFinite(v)) {
                return v;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no finite " + line + "in /metrics:\n" + text);
    }

    /** {@code layout: side-by-side}: one track; each XR view samples its own half. */
    @Test
    void sideBySideLayoutEachEyeSamplesItsOwnHalf() throws Exception {
        Path sbsDir = Files.createDirectories(dir.resolve("sbs"));
        try (Appliance sbs = Appliance.start(E2e.config(sbsDir, "", "layout: side-by-side"))) {
            JsonNode r = runXr(sbs, "--layout", "side-by-side");
            System.out.println("[XrIT side-by-side] " + r);
            assertPerEye(r);
            assertEquals(0, r.path("xr").path("uploads").get(1).asInt(), "one track only: " + r.path("xr"));
        }
    }

    /** The server restarts while the page plays: the page plays again within 10 s, no user action. */
    @Test
    void pagePlaysAgainWithin10sAfterTheServerRestarts() throws Exception {
        Path rdir = Files.createDirectories(dir.resolve("restart"));
        Path config = E2e.config(rdir, "", "");
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        Process server = startOnPort(config, port);
        Process page = null;
        try {
            List<String> cmd = List.of("node", Viewer.repo().resolve("e2e/reconnect.mjs").toString(),
                    "--url", "https://127.0.0.1:" + port, "--seconds", "60");
            page = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
            Process pg = page;
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(pg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            java.io.BufferedReader err = new java.io.BufferedReader(
                    new java.io.InputStreamReader(page.getErrorStream(), StandardCharsets.UTF_8));
            waitForLine(err, "STEREO_E2E_PLAYING", 40);
            Thread.sleep(2000);
            server.destroy(); // SIGTERM, as systemd would on restart
            server.waitFor(15, TimeUnit.SECONDS);
            server = startOnPort(config, port);
            long servingAt = System.currentTimeMillis();
            waitForLine(err, "STEREO_E2E_PLAYING_AGAIN", 30);
            page.getOutputStream().close();
            JsonNode r = JSON.readTree(out.get(60, TimeUnit.SECONDS).lines().filter(l -> l.startsWith("{"))
                    .reduce((a, b) -> b).orElseThrow());
            System.out.println("[XrIT restart] serving again at " + servingAt + ": " + r);
            assertTrue(r.path("ok").asBoolean(), r.toString());
            long again = r.path("playingAgainAt").asLong();
            assertTrue(again - servingAt < 10_000, "playing again " + (again - servingAt) + " ms after the server was back: " + r);
        } finally {
            if (page != null) {
                page.destroyForcibly();
            }
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static void waitForLine(java.io.BufferedReader err, String want, int seconds) throws Exception {
        CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = err.readLine()) != null) {
                    System.out.println("[reconnect.mjs] " + line);
                    if (line.equals(want)) {
                        return true;
                    }
                }
            } catch (IOException ignored) {
                // ended
            }
            return false;
        });
        assertTrue(seen.get(seconds, TimeUnit.SECONDS), "reconnect.mjs never said " + want);
    }

    private static Process startOnPort(Path config, int port) throws Exception {
        Process p = new ProcessBuilder("java", "-Xmx512m", "-jar", Appliance.jar().toString(), "--config",
                config.toString(), "--port", String.valueOf(port)).redirectErrorStream(true).start();
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> serving = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains("serving ")) {
                        Thread t = new Thread(() -> {
                            try {
                                while (r.readLine() != null) {
                                    // drain
                                }
                            } catch (IOException ignored) {
                                // ended
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                        return true;
                    }
                }
            } catch (IOException ignored) {
                // ended
            }
            return false;
        });
        if (!serving.get(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("stereo did not start on port " + port);
        }
        return p;
    }

    /**
     * Stereo pairing: every left/right pair the page presented (the 2D canvas, read every
     * animation frame, and the XR views) carries one capture time, unless the page itself counted
     * the frame as shown unpaired; pairs it made have equal RTP timestamps.
     */
    static void assertPairs(JsonNode r) {
        JsonNode p = r.path("pairing");
        System.out.printf("[XrIT pairing] canvas: %d pairs of one instant, %d of two (max skew %d ms); page: %d paired, %d unpaired frames, by %s%n",
                p.path("same").asInt(), p.path("different").asInt(), p.path("maxSkewMs").asInt(), p.path("paired").asInt(),
                p.path("unpaired").asInt(), p.path("mode").asText());
        assertEquals("rtp", p.path("mode").asText(), "both tracks carry RTP timestamps the page pairs by: " + p);
        assertTrue(p.path("same").asInt() >= 10, "the canvas showed pairs of one capture instant: " + p);
        assertEquals(0, p.path("pairedRtpUnequal").asInt(), "pairs with unequal RTP timestamps: " + p);
        assertTrue(p.path("different").asInt() <= p.path("unpaired").asInt(),
                "frames of two capture instants shown together, beyond those counted unpaired: " + p);
        JsonNode xr = r.path("xr");
        assertTrue(xr.path("sameInstant").asInt() >= 3
                        && xr.path("differentInstant").asInt() <= xr.path("pairing").path("unpaired").asInt(),
                "XR views of one capture instant: " + xr.path("sameInstant") + " of two: " + xr.path("differentInstant"));
    }

    static void assertPerEye(JsonNode r) {
        JsonNode g = r.path("gesture");
        assertEquals("refused", g.path("state").asText(), "session without a user gesture must be refused: " + g);
        assertTrue(g.path("shown").asText().matches("(?is).*(gesture|click).*"), "the page must say why: " + g);

        JsonNode twoD = r.path("twoD");
        assertEquals(0, twoD.path("left").path("eyeId").asInt(-1), "2D page, left half: " + twoD);
        assertEquals(1, twoD.path("right").path("eyeId").asInt(-1), "2D page, right half: " + twoD);

        JsonNode xr = r.path("xr");
        assertEquals("presenting", xr.path("state").asText(), "Enter VR click: " + xr);
        assertEquals(2, xr.path("views").size(), "stereo: two views: " + xr);
        for (JsonNode v : xr.path("views")) {
            int want = v.path("eye").asText().equals("right") ? 1 : 0;
            int own = v.path("eyeIds").path(String.valueOf(want)).asInt(0);
            int other = v.path("eyeIds").path(String.valueOf(1 - want)).asInt(0);
            assertTrue(own >= 5 && other == 0, v.path("eye").asText() + " view must show eye " + want + " only: " + v);
            assertEquals(0, v.path("rejects").asInt(), "probe checksum rejects in " + v);
        }
        assertTrue(r.path("ok").asBoolean(), r.toString());
    }
}
