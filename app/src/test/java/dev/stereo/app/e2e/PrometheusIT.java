package dev.stereo.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stereo.core.metrics.MetricNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus server (Debian package {@code prometheus}) scrapes the appliance's
 * {@code /metrics} every second while a real browser views the stream; its HTTP API must then show
 * non-zero frame rates (captured, encoded, sent) for both eyes and exactly one viewer, and zero
 * viewers once the browser leaves. Meanwhile {@code /metrics} itself carries the viewer's own
 * RTCP series (packets sent for both eyes), which are gone once it has left. Everything listens
 * on 127.0.0.1 inside the loopback-only namespace. This class runs option3;
 * {@link PrometheusOption2IT} runs the same checks against option2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusIT {

    /** The pipeline under test; subclasses run another. */
    String pipeline() {
        return "option3";
    }

    static final Path PROMETHEUS = Path.of(System.getProperty("prometheus.bin", "/usr/bin/prometheus"));
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Appliance appliance;
    static String pipelineName;
    static Process prometheus;
    static String promUrl;
    static Path promLog;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        E2e.requireLoopbackOnlyNamespace();
        pipelineName = pipeline();
        if (!Files.isExecutable(PROMETHEUS)) {
            throw new IllegalStateException(PROMETHEUS + " is missing: install the Debian package 'prometheus' "
                    + "(scripts/install-deps.sh --test does), or point -Dprometheus.bin at the binary");
        }
        appliance = Appliance.start(E2e.config(dir, "", ""), "--pipeline=" + pipelineName);

        int port = freePort();
        promUrl = "http://127.0.0.1:" + port;
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: stereo
                    scheme: https
                    metrics_path: /metrics
                    tls_config: {insecure_skip_verify: true}
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(appliance.port()));
        Path tsdb = Files.createDirectories(dir.resolve("tsdb"));
        promLog = dir.resolve("prometheus.log");
        prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + tsdb, "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(promLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(promUrl + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!prometheus.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("prometheus did not become ready:\n" + promLogTail());
            }
            Thread.sleep(200);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    void prometheusSeesBothEyesEncodingAndExactlyOneViewer() throws Exception {
        try (Viewer viewer = Viewer.start(appliance.url(), "--hold", "--seconds", "2", "--max-hold", "120")) {
            Map<String, Double> up = await("the stereo target is up", "up{job=\"stereo\"}", "instance",
                    m -> m.values().stream().anyMatch(v -> v == 1.0));
            assertEquals(1, up.size(), "one scrape target: " + up);

            Map<String, Double> viewers = await("exactly one viewer", "stereo_viewers", "pipeline",
                    m -> m.size() == 1 && m.values().iterator().next() == 1.0);
            assertEquals(Map.of(pipelineName, 1.0), viewers);

            for (String stage : List.of("captured", "encoded", "sent")) {
                Map<String, Double> fps = await("non-zero " + stage + " frame rate for both eyes",
                        "sum by (eye) (rate(stereo_frames_" + stage + "_total[5s]))", "eye",
                        m -> m.getOrDefault("left", 0.0) > 0 && m.getOrDefault("right", 0.0) > 0);
                for (String eye : List.of("left", "right")) {
                    // Non-zero, and not more than the source makes (30 fps); a loaded 2-core CI
                    // machine can run the test source well below 30, so no lower bound beyond zero.
                    assertTrue(fps.get(eye) > 0 && fps.get(eye) < 45, eye + " eye " + stage + " frame rate " + fps);
                }
            }
            await("the viewer's join keyframe was produced for both eyes",
                    "sum by (eye) (stereo_keyframes_produced_total{reason=\"join\"})", "eye",
                    m -> m.getOrDefault("left", 0.0) >= 1 && m.getOrDefault("right", 0.0) >= 1);
            Map<String, Double> latency = await("capture-to-send times for both eyes",
                    "sum by (eye) (stereo_capture_to_send_seconds_sum) / sum by (eye) (stereo_capture_to_send_seconds_count)",
                    "eye", m -> m.containsKey("left") && m.containsKey("right"));
            for (String eye : List.of("left", "right")) {
                assertTrue(latency.get(eye) > 0 && latency.get(eye) < 1, "mean capture-to-send " + latency);
            }
            Map<String, Double> sent = awaitScrape("the viewer's RTCP series for both eyes",
                    "stereo_viewer_rtp_packets_sent_total",
                    m -> m.size() == 2 && m.values().stream().allMatch(v -> v > 0));
            assertEquals(Set.of("left", "right"), sent.keySet(), "one viewer, two tracks: " + sent);
            JsonNode status = JSON.readTree(E2e.get(appliance.url() + "/api/status").body());
            for (String eye : List.of("left", "right")) {
                JsonNode media = status.path("media").path(eye);
                assertTrue(media.path("frames_sent").asLong() > 0 && media.path("bitrate_measured_mbps").asDouble() > 0,
                        "/api/status media for " + eye + ": " + status.path("media"));
            }
            assertEquals(1, status.path("viewer_rtp").size(), "one viewer's RTP figures: " + status.path("viewer_rtp"));
            for (String name : MetricNames.PER_VIEWER) {
                assertTrue(viewerSeries(E2e.get(appliance.url() + "/metrics").body(), name).size() == 2,
                        name + " for both eyes of the one viewer");
            }
            Map<String, Double> connected = query("stereo_viewer_sessions_total{outcome=\"connected\"}", "outcome");
            assertEquals(Map.of("connected", 1.0), connected, "one connected session counted");

            viewer.release();
            JsonNode result = viewer.result(60);
            assertTrue(result.path("tracks").size() == 2, "viewer received two tracks: " + result);
        }
        await("no viewer once the browser left", "stereo_viewers", "pipeline",
                m -> m.size() == 1 && m.values().iterator().next() == 0.0);
        String after = E2e.get(appliance.url() + "/metrics").body();
        assertTrue(after.lines().noneMatch(l -> l.contains("viewer=\"")),
                "per-viewer series left with the viewer:\n" + after);
    }

    /**
     * The per-viewer samples of {@code name} in one {@code /metrics} text, by eye (they must all
     * belong to one viewer, whose number is checked to be the same).
     */
    static Map<String, Double> viewerSeries(String metrics, String name) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name)
                + "\\{eye=\"(\\w+)\",pipeline=\"\\w+\",viewer=\"(\\d+)\"} (\\S+)$");
        Map<String, Double> out = new HashMap<>();
        Set<String> viewers = new HashSet<>();
        metrics.lines().map(line::matcher).filter(Matcher::matches).forEach(m -> {
            out.put(m.group(1), Double.parseDouble(m.group(3)));
            viewers.add(m.group(2));
        });
        assertTrue(viewers.size() <= 1, "series of one viewer only: " + viewers);
        return out;
    }

    /** Polls the appliance's own {@code /metrics} (30 s) until {@code ok} holds for a per-viewer series. */
    static Map<String, Double> awaitScrape(String what, String name, Predicate<Map<String, Double>> ok)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Double> last = Map.of();
        String text = "";
        while (System.nanoTime() < deadline) {
            text = E2e.get(appliance.url() + "/metrics").body();
            last = viewerSeries(text, name);
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("/metrics never showed " + what + ": " + name + " → " + last + "\n" + text);
    }

    /** Polls an instant query until {@code ok} holds (30 s), returning label value → sample value. */
    static Map<String, Double> await(String what, String promql, String label, Predicate<Map<String, Double>> ok)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Double> last = Map.of();
        while (System.nanoTime() < deadline) {
            last = query(promql, label);
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus never showed " + what + ": " + promql + " → " + last
                + "\nappliance /metrics now:\n" + scrapeOrError() + "\nprometheus log:\n" + promLogTail());
    }

    static Map<String, Double> query(String promql, String label) throws Exception {
        URI uri = URI.create(promUrl + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("query " + promql + " failed: " + r.statusCode() + " " + r.body());
        }
        Map<String, Double> out = new HashMap<>();
        for (JsonNode sample : body.path("data").path("result")) {
            out.put(sample.path("metric").path(label).asText(), Double.parseDouble(sample.path("value").path(1).asText()));
        }
        return out;
    }

    static String scrapeOrError() {
        try {
            return E2e.get(appliance.url() + "/metrics").body().lines()
                    .filter(l -> l.startsWith("stereo_")).reduce("", (a, b) -> a + b + "\n");
        } catch (Exception e) {
            return "(scrape failed: " + e + ")";
        }
    }

    static String promLogTail() {
        try {
            List<String> lines = Files.readAllLines(promLog);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no prometheus log: " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
