package dev.stereo.web;

import dev.stereo.core.metrics.MediaObserver;
import dev.stereo.core.metrics.MetricNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void perViewerSeriesExistWhileTheViewerIsConnectedOnly() throws Exception {
        start(null);
        assertFalse(scrape().contains("viewer=\""), "no viewer, no per-viewer series");
        HttpResponse<String> ok = http.post("/whep", "application/sdp", WebServerTest.OFFER);
        assertEquals(201, ok.statusCode(), ok.body());
        String text = scrape();
        assertLine(text, "stereo_viewer_rtp_packets_sent_total{eye=\"left\",pipeline=\"fake\",viewer=\"1\"} 100.0");
        assertLine(text, "stereo_viewer_rtp_packets_lost_total{eye=\"left\",pipeline=\"fake\",viewer=\"1\"} 2.0");
        assertLine(text, "stereo_viewer_rtp_jitter_seconds{eye=\"right\",pipeline=\"fake\",viewer=\"1\"} 0.003");
        assertLine(text, "stereo_viewer_round_trip_time_seconds{eye=\"left\",pipeline=\"fake\",viewer=\"1\"} 0.001");
        assertLine(text, "stereo_viewer_rtcp_nacks_total{eye=\"left\",pipeline=\"fake\",viewer=\"1\"} 3.0");
        assertLine(text, "stereo_viewer_rtcp_plis_total{eye=\"left\",pipeline=\"fake\",viewer=\"1\"} 1.0");
        for (String name : MetricNames.PER_VIEWER) {
            assertTrue(text.contains(name + "{"), name + " missing in:\n" + text);
        }
        assertFalse(text.contains(pipeline.sessions.get(0).id()), "the session id is a capability: never exposed");

        assertEquals(200, http.delete(ok.headers().firstValue("Location").orElseThrow()).statusCode());
        assertFalse(scrape().contains("viewer=\""), "the viewer's series left with it:\n" + scrape());
        HttpResponse<String> again = http.post("/whep", "application/sdp", WebServerTest.OFFER);
        assertEquals(201, again.statusCode(), again.body());
        assertTrue(scrape().contains("viewer=\"2\""), "the next viewer gets the next number");
        pipeline.sessions.get(1).close(); // ended by the pipeline (ICE failure), not by DELETE
        assertFalse(scrape().contains("viewer=\""), scrape());
    }

    @Test
    void pipelineEventsBecomeCountersHistogramsAndAMeasuredBitrate() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineMeters m = new PipelineMeters(pipeline);
        m.bindTo(registry);
        for (int i = 0; i < 30; i++) {
            m.frameCaptured("left");
            m.frameEncoded("left", 10_000);
            m.encodeDuration("left", 3_000_000);
            m.frameSent("left", 12_000_000);
        }
        m.framesDropped("left", MediaObserver.DROP_ENCODER_BUSY, 4);
        m.keyframeRequested("left", MediaObserver.KEYFRAME_JOIN);
        m.keyframeProduced("left", MediaObserver.KEYFRAME_JOIN);
        m.keyframeProduced("right", MediaObserver.KEYFRAME_INTERVAL);
        String text = registry.scrape();
        assertLine(text, "stereo_frames_captured_total{eye=\"left\",pipeline=\"fake\"} 30.0");
        assertLine(text, "stereo_frames_sent_total{eye=\"left\",pipeline=\"fake\"} 30.0");
        assertLine(text, "stereo_encoded_bytes_total{eye=\"left\",pipeline=\"fake\"} 300000.0");
        assertLine(text, "stereo_frames_dropped_total{eye=\"left\",pipeline=\"fake\",reason=\"encoder_busy\"} 4.0");
        assertLine(text, "stereo_frames_dropped_total{eye=\"right\",pipeline=\"fake\",reason=\"slow_viewer\"} 0.0");
        assertLine(text, "stereo_keyframes_requested_total{eye=\"left\",pipeline=\"fake\",reason=\"join\"} 1.0");
        assertLine(text, "stereo_keyframes_produced_total{eye=\"right\",pipeline=\"fake\",reason=\"interval\"} 1.0");
        assertLine(text, "stereo_encode_duration_seconds_bucket{eye=\"left\",pipeline=\"fake\",le=\"0.002\"} 0");
        assertLine(text, "stereo_encode_duration_seconds_bucket{eye=\"left\",pipeline=\"fake\",le=\"0.004\"} 30");
        assertLine(text, "stereo_encode_duration_seconds_count{eye=\"left\",pipeline=\"fake\"} 30");
        assertLine(text, "stereo_capture_to_send_seconds_bucket{eye=\"left\",pipeline=\"fake\",le=\"0.015\"} 30");
        assertTrue(text.contains("stereo_bitrate_measured_bits_per_second{eye=\"left\",pipeline=\"fake\"}"), text);
        var media = m.snapshot().get("left");
        assertEquals(30L, media.get("frames_sent"));
        assertEquals(3.0, media.get("encode_ms_mean"));
        assertEquals(java.util.Map.of("encoder_busy", 4L, "slow_viewer", 0L), media.get("frames_dropped"));
    }

    @Test
    void needsNoTokenEvenWhenOneIsConfigured() throws Exception {
        start("s3cret");
        assertTrue(scrape().contains("stereo_frames_encoded_total"));
        assertEquals(401, http.get("/api/status").statusCode());
    }
}
