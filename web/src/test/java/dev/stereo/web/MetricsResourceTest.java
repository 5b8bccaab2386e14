package dev.stereo.web;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /metrics} over real HTTPS: Prometheus text with the pipeline's and the viewers' series. */
class MetricsResourceTest {

    @TempDir Path state;
    final FakePipeline pipeline = new FakePipeline();
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WebServer server;
    HttpsClient http;

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
    }

    void start(String token) throws Exception {
        WebSettings s = WebSettings.defaults(state).withBind("127.0.0.1").withPorts(0, WebSettings.HTTP_OFF)
                .withMaxViewers(1);
        if (token != null) s = s.withToken(token);
        server = new WebServer(s, pipeline, meters);
        server.start();
        http = new HttpsClient(server.tlsIdentity().certificate(), "https://127.0.0.1:" + server.httpsPort());
    }

    String scrape() throws Exception {
        HttpResponse<String> r = http.get("/metrics");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                r.headers().map().toString());
        return r.body();
    }

    static void assertLine(String text, String line) {
        assertTrue(text.lines().anyMatch(l -> l.equals(line)), "missing line \"" + line + "\" in:\n" + text);
    }

    @Test
    void exposesPipelineSeriesPerEyeInPrometheusText() throws Exception {
        start(null);
        String text = scrape();
        assertLine(text, "# TYPE stereo_frames_encoded_total counter");
        assertLine(text, "stereo_frames_encoded_total{eye=\"left\",pipeline=\"fake\"} 42.0");
        assertLine(text, "stereo_frames_encoded_total{eye=\"right\",pipeline=\"fake\"} 42.0");
        assertLine(text, "# TYPE stereo_bitrate_configured_bits_per_second gauge");
        assertLine(text, "stereo_bitrate_configured_bits_per_second{eye=\"left\",pipeline=\"fake\"} 1.25E7");
        assertLine(text, "stereo_encoders{pipeline=\"fake\"} 2.0");
        assertLine(text, "stereo_viewers{pipeline=\"fake\"} 0.0");
        assertLine(text, "stereo_viewer_sessions_total{outcome=\"connected\",reason=\"none\"} 0.0");
    }

    @Test
    void countsViewersAndSessionOutcomes() throws Exception {
        start(null);
        HttpResponse<String> ok = http.post("/whep", "application/sdp", WebServerTest.OFFER);
        assertEquals(201, ok.statusCode(), ok.body());
        assertEquals(503, http.post("/whep", "application/sdp", WebServerTest.OFFER).statusCode()); // cap 1
        String text = scrape();
        assertLine(text, "stereo_viewers{pipeline=\"fake\"} 1.0");
        assertLine(text, "stereo_viewer_sessions_total{outcome=\"connected\",reason=\"none\"} 1.0");
        assertLine(text, "stereo_viewer_sessions_total{outcome=\"rejected\",reason=\"at_capacity\"} 1.0");

        assertEquals(200, http.delete(ok.headers().firstValue("Location").orElseThrow()).statusCode());
        assertLine(scrape(), "stereo_viewers{pipeline=\"fake\"} 0.0");
    }

    @Test
    void needsNoTokenEvenWhenOneIsConfigured() throws Exception {
        start("s3cret");
        assertTrue(scrape().contains("stereo_frames_encoded_total"));
        assertEquals(401, http.get("/api/status").statusCode());
    }
}
