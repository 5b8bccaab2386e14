package dev.stereo.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stereo.core.StereoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web layer over real HTTPS on 127.0.0.1 with a stand-in pipeline. */
class WebServerTest {

    static final String OFFER = "v=0\r\no=- 42 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            + "a=group:BUNDLE 0 1\r\n"
            + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=recvonly\r\na=ice-ufrag:abcd\r\n"
            + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=recvonly\r\n";

    @TempDir Path state;
    final ObjectMapper json = new ObjectMapper();
    final FakePipeline pipeline = new FakePipeline();
    WebServer server;
    HttpsClient http;

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
    }

    WebSettings settings() {
        return WebSettings.defaults(state).withBind("127.0.0.1").withPorts(0, WebSettings.HTTP_OFF);
    }

    void start(WebSettings s) throws Exception {
        server = new WebServer(s, pipeline);
        server.start();
        http = new HttpsClient(server.tlsIdentity().certificate(), "https://127.0.0.1:" + server.httpsPort());
    }

    JsonNode body(HttpResponse<String> r) throws Exception {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "JSON content type: " + r.headers().map());
        return json.readTree(r.body());
    }

    void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode b = body(r);
        assertEquals(code, b.path("error").asText(), r.body());
        assertFalse(b.path("detail").asText().isBlank(), "detail present: " + r.body());
    }

    HttpResponse<String> postOffer() throws Exception {
        return http.post("/whep", "application/sdp", OFFER);
    }

    // ---- WHEP ------------------------------------------------------------------------------

    @Test
    void whepPostAnswersWith201LocationEtagAndSdp() throws Exception {
        start(settings());
        HttpResponse<String> r = postOffer();
        assertEquals(201, r.statusCode(), r.body());
        String location = r.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("/whep/"), location);
        String id = location.substring("/whep/".length());
        assertEquals(pipeline.sessions.get(0).id(), id);
        assertEquals("\"" + id + "\"", r.headers().firstValue("ETag").orElseThrow());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/sdp"));
        assertEquals(FakePipeline.ANSWER, r.body());
        assertEquals(OFFER, pipeline.sessions.get(0).offer, "offer passed through untouched");
        assertEquals(1, server.viewerCount());
    }

    @Test
    void whepAcceptsContentTypeParameters() throws Exception {
        start(settings());
        assertEquals(201, http.post("/whep", "application/sdp; charset=utf-8", OFFER).statusCode());
    }

    @Test
    void patchDeliversTrickledCandidatesToTheirMline() throws Exception {
        start(settings());
        String location = postOffer().headers().firstValue("Location").orElseThrow();
        String frag = "a=ice-ufrag:abcd\r\na=ice-pwd:secretsecretsecretsecret\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n"
                + "a=candidate:1 1 udp 2122260223 192.168.1.20 51000 typ host\r\n"
                + "a=candidate:2 1 udp 1686052607 203.0.113.9 51000 typ srflx raddr 192.168.1.20 rport 51000\r\n"
                + "a=end-of-candidates\r\n";
        HttpResponse<String> r = http.patch(location, "application/trickle-ice-sdpfrag", frag);
        assertEquals(204, r.statusCode(), r.body());
        assertEquals(List.of("1|candidate:1 1 udp 2122260223 192.168.1.20 51000 typ host",
                        "1|candidate:2 1 udp 1686052607 203.0.113.9 51000 typ srflx raddr 192.168.1.20 rport 51000"),
                pipeline.sessions.get(0).candidates);
    }

    @Test
    void patchUnknownSessionIs404AndWrongTypeIs415() throws Exception {
        start(settings());
        assertError(http.patch("/whep/nope", "application/trickle-ice-sdpfrag", "a=end-of-candidates\r\n"),
                404, "not_found");
        String location = postOffer().headers().firstValue("Location").orElseThrow();
        HttpResponse<String> r = http.patch(location, "application/sdp", "a=end-of-candidates\r\n");
        assertError(r, 415, "unsupported_media_type");
        assertTrue(body(r).path("detail").asText().contains("application/trickle-ice-sdpfrag"), r.body());
    }

    @Test
    void deleteClosesTheSessionThen404() throws Exception {
        start(settings());
        String location = postOffer().headers().firstValue("Location").orElseThrow();
        HttpResponse<String> r = http.delete(location);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(pipeline.sessions.get(0).isClosed());
        assertEquals(0, server.viewerCount());
        HttpResponse<String> again = http.delete(location);
        assertError(again, 404, "not_found");
        assertTrue(body(again).path("detail").asText().startsWith("no viewer session"), again.body());
        assertError(http.patch(location, "application/trickle-ice-sdpfrag", "a=end-of-candidates"), 404, "not_found");
    }

    // ---- JSON offer ------------------------------------------------------------------------

    @Test
    void jsonOfferRoundTrip() throws Exception {
        start(settings());
        String req = json.writeValueAsString(Map.of("type", "offer", "sdp", OFFER));
        HttpResponse<String> r = http.post("/offer", "application/json", req);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode b = body(r);
        assertEquals("answer", b.path("type").asText());
        assertEquals(FakePipeline.ANSWER, b.path("sdp").asText());
        assertEquals(OFFER, pipeline.sessions.get(0).offer);
        // The session is tracked like a WHEP one and can be deleted through its WHEP URL.
        String location = r.headers().firstValue("Location").orElseThrow();
        assertEquals(200, http.delete(location).statusCode());
    }

    @Test
    void jsonOfferErrors() throws Exception {
        start(settings());
        assertError(http.post("/offer", "application/json", "{not json"), 400, "malformed_json");
        assertError(http.post("/offer", "application/json", "[1,2]"), 400, "malformed_json");
        assertError(http.post("/offer", "application/json", "{\"type\":\"answer\",\"sdp\":\"v=0\"}"), 400, "bad_offer");
        assertError(http.post("/offer", "application/json", "{\"type\":\"offer\"}"), 400, "bad_offer");
        assertError(http.post("/offer", "application/json", "{\"type\":\"offer\",\"sdp\":\"hello\"}"), 400, "bad_offer");
        HttpResponse<String> r = http.post("/offer", "text/plain", "{}");
        assertError(r, 415, "unsupported_media_type");
        assertTrue(body(r).path("detail").asText().contains("application/json"), r.body());
        assertTrue(pipeline.sessions.isEmpty());
    }

    // ---- errors ------------------------------------------------------------------------------

    @Test
    void malformedOffersAre400WithTheReason() throws Exception {
        start(settings());
        HttpResponse<String> r = http.post("/whep", "application/sdp", OFFER + FakePipeline.REJECT_MARKER + "\r\n");
        assertError(r, 400, "bad_offer");
        assertEquals("offer has no recvonly video m-line", body(r).path("detail").asText());

        assertError(http.post("/whep", "application/sdp", ""), 400, "bad_offer");
        HttpResponse<String> notSdp = http.post("/whep", "application/sdp", "hello world");
        assertError(notSdp, 400, "bad_offer");
        assertTrue(body(notSdp).path("detail").asText().contains("v=0"));
        assertEquals(0, server.viewerCount(), "failed offers leave no session and no reserved slot");
    }

    @Test
    void wrongContentTypeIs415NamingTheExpectedType() throws Exception {
        start(settings());
        HttpResponse<String> r = http.post("/whep", "application/json", "{}");
        assertError(r, 415, "unsupported_media_type");
        assertTrue(body(r).path("detail").asText().contains("application/sdp"), r.body());
        assertError(http.post("/whep", null, OFFER), 415, "unsupported_media_type");
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        start(settings());
        String huge = "v=0\r\n" + "a=x-padding:" + "x".repeat(70 * 1024) + "\r\n";
        assertError(http.post("/whep", "application/sdp", huge), 413, "payload_too_large");
        assertTrue(pipeline.sessions.isEmpty());
        // The connection may have been closed after the refusal; the server is still fine.
        assertEquals(201, postOffer().statusCode());
    }

    @Test
    void oversizedChunkedBodyIs413() throws Exception {
        start(settings());
        byte[] huge = ("v=0\r\na=x-padding:" + "x".repeat(70 * 1024) + "\r\n").getBytes();
        // ofInputStream has no known length, so the request is sent chunked, without Content-Length.
        HttpResponse<String> r = http.send(http.request("/whep").header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge))));
        assertError(r, 413, "payload_too_large");
        assertTrue(pipeline.sessions.isEmpty());
    }

    @Test
    void concurrentOffersNeverOvershootTheCap() throws Exception {
        start(settings().withMaxViewers(2));
        pipeline.connectDelayMs = 300; // every offer is in flight at the same time
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> postOffer().statusCode()));
            }
            List<Integer> codes = new java.util.ArrayList<>();
            for (var f : results) codes.add(f.get());
            assertEquals(2, codes.stream().filter(c -> c == 201).count(), codes.toString());
            assertEquals(4, codes.stream().filter(c -> c == 503).count(), codes.toString());
            assertEquals(2, server.viewerCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownRouteIsJson404() throws Exception {
        start(settings());
        assertError(http.get("/nope"), 404, "not_found");
    }

    @Test
    void unexpectedFailureIs500WithSafeMessage() throws Exception {
        start(settings());
        pipeline.crash = new IllegalStateException("secret internals /dev/video0 at 0xdeadbeef");
        HttpResponse<String> r = postOffer();
        assertError(r, 500, "internal_error");
        assertFalse(r.body().contains("secret"), r.body());
        pipeline.crash = null;
        assertEquals(201, postOffer().statusCode(), "slot was released after the failure");
    }

    @Test
    void pipelineRefusalIs503WithItsReason() throws Exception {
        start(settings());
        pipeline.refuse = new StereoException("pipeline is not running");
        HttpResponse<String> r = postOffer();
        assertError(r, 503, "pipeline_unavailable");
        assertEquals("pipeline is not running", body(r).path("detail").asText());
        assertEquals("5", r.headers().firstValue("Retry-After").orElseThrow());
    }

    // ---- auth ----------------------------------------------------------------------------------

    @Test
    void tokenIsEnforcedOnSignallingAndApiOnly() throws Exception {
        start(settings().withToken("s3cret-token"));
        HttpResponse<String> missing = postOffer();
        assertError(missing, 401, "unauthorized");
        assertTrue(missing.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));

        http.token = "wrong";
        HttpResponse<String> wrong = postOffer();
        assertError(wrong, 401, "unauthorized");
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
        assertError(http.post("/offer", "application/json", "{}"), 401, "unauthorized");
        assertError(http.get("/api/status"), 401, "unauthorized");
        assertTrue(pipeline.sessions.isEmpty(), "pipeline never reached without the token");

        http.token = "s3cret-token";
        HttpResponse<String> ok = postOffer();
        assertEquals(201, ok.statusCode(), ok.body());
        assertEquals(200, http.get("/api/status").statusCode());
        String location = ok.headers().firstValue("Location").orElseThrow();

        http.token = null; // session URLs are protected too
        assertError(http.delete(location), 401, "unauthorized");
        assertError(http.patch(location, "application/trickle-ice-sdpfrag", "a=end-of-candidates"), 401, "unauthorized");
        // The page, its files and the health probe stay open.
        assertEquals(200, http.get("/healthz").statusCode());
        if (getClass().getResource("/web/index.html") != null) {
            assertEquals(200, http.get("/").statusCode());
        }
    }

    @Test
    void lowercaseBearerSchemeIsAccepted() throws Exception {
        start(settings().withToken("t"));
        HttpResponse<String> r = http.send(http.request("/api/status").header("Authorization", "bearer t").GET());
        assertEquals(200, r.statusCode(), r.body());
    }

    // ---- live stream control ------------------------------------------------------------------

    /** Records what reached the app; refuses frame rate changes like a pipeline that cannot. */
    static final class RecordingLiveStream implements LiveStream {
        final List<StreamChange> applied = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Object state() {
            return Map.of("applied", applied.size());
        }

        @Override
        public Object apply(StreamChange change) throws Refused {
            if (change.fps() != null) {
                throw new Refused("the frame rate needs a restart");
            }
            applied.add(change);
            return state();
        }
    }

    @Test
    void apiStreamValidatesAppliesAndRefuses() throws Exception {
        start(settings());
        assertError(http.post("/api/stream", "application/json", "{\"bitrate_mbps\": 2}"), 503, "no_live_control");
        RecordingLiveStream live = new RecordingLiveStream();
        server.liveStream(live);

        HttpResponse<String> ok = http.post("/api/stream", "application/json", "{\"bitrate_mbps\": 2}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(1, body(ok).path("applied").asInt());
        assertEquals(List.of(new StreamChange(2.0, 2.0, null)), live.applied);
        assertEquals(200, http.get("/api/stream").statusCode());

        HttpResponse<String> bad = http.post("/api/stream", "application/json", "{\"bitrate_mbps\": 500, \"extra\": 1}");
        assertError(bad, 400, "bad_stream_request");
        assertTrue(body(bad).path("detail").asText().contains("\"extra\""), bad.body());
        assertTrue(body(bad).path("detail").asText().contains("between 0.1 and 100"), bad.body());
        assertError(http.post("/api/stream", "application/json", "{\"fps\": 1, \"fps\": 2}"), 400, "malformed_json");
        assertError(http.post("/api/stream", "application/json", "{\"fps\": 30} x"), 400, "malformed_json");
        assertError(http.post("/api/stream", "text/plain", "{\"fps\": 30}"), 415, "unsupported_media_type");
        HttpResponse<String> refused = http.post("/api/stream", "application/json", "{\"fps\": 30}");
        assertError(refused, 409, "not_live");
        assertTrue(body(refused).path("detail").asText().contains("needs a restart"), refused.body());
        assertEquals(1, live.applied.size(), "refused and invalid requests change nothing");
    }

    @Test
    void apiStreamNeedsTheToken() throws Exception {
        start(settings().withToken("t0k"));
        RecordingLiveStream live = new RecordingLiveStream();
        server.liveStream(live);
        assertError(http.post("/api/stream", "application/json", "{\"bitrate_mbps\": 2}"), 401, "unauthorized");
        assertError(http.get("/api/stream"), 401, "unauthorized");
        http.token = "t0k";
        assertEquals(200, http.post("/api/stream", "application/json", "{\"bitrate_mbps\": 2}").statusCode());
        assertEquals(1, live.applied.size());
    }

    // ---- capacity ------------------------------------------------------------------------------

    @Test
    void capacityIs503WithRetryAfterAndFreesOnDeleteOrSessionEnd() throws Exception {
        start(settings().withMaxViewers(2));
        String first = postOffer().headers().firstValue("Location").orElseThrow();
        assertEquals(201, postOffer().statusCode());
        HttpResponse<String> full = postOffer();
        assertError(full, 503, "at_capacity");
        assertEquals("5", full.headers().firstValue("Retry-After").orElseThrow());
        assertError(http.post("/offer", "application/json",
                json.writeValueAsString(Map.of("type", "offer", "sdp", OFFER))), 503, "at_capacity");

        assertEquals(200, http.delete(first).statusCode());
        assertEquals(201, postOffer().statusCode(), "free again after DELETE");
        assertEquals(503, postOffer().statusCode());

        // A session ending on its own (ICE failure → onClosed) also leaves the count.
        pipeline.sessions.get(1).close();
        assertEquals(1, server.viewerCount());
        assertEquals(201, postOffer().statusCode());
    }

    // ---- redirect, status, static --------------------------------------------------------------

    @Test
    void plainHttpRedirectsToHttps() throws Exception {
        start(settings().withPorts(0, WebSettings.EPHEMERAL_HTTP_PORT));
        assertTrue(server.httpPort() > 0);
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String base = "http://127.0.0.1:" + server.httpPort();
        HttpResponse<String> get = plain.send(HttpRequest.newBuilder(URI.create(base + "/some/page?x=1"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(301, get.statusCode());
        assertEquals("https://127.0.0.1:" + server.httpsPort() + "/some/page?x=1",
                get.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> post = plain.send(HttpRequest.newBuilder(URI.create(base + "/whep"))
                .header("Content-Type", "application/sdp").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(OFFER)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(308, post.statusCode(), "method-preserving redirect for POST");
        assertEquals("https://127.0.0.1:" + server.httpsPort() + "/whep", post.headers().firstValue("Location").orElseThrow());
        assertTrue(pipeline.sessions.isEmpty(), "nothing is served over plain HTTP");
    }

    @Test
    void healthzFollowsPipelineState() throws Exception {
        start(settings());
        HttpResponse<String> ok = http.get("/healthz");
        assertEquals(200, ok.statusCode());
        assertEquals("ok", body(ok).path("status").asText());
        pipeline.state = "error";
        HttpResponse<String> bad = http.get("/healthz");
        assertEquals(503, bad.statusCode());
        assertEquals("error", body(bad).path("status").asText());
        assertNotNull(body(bad).get("detail"));
    }

    @Test
    void apiStatusCombinesPipelineViewersUptimeAndSections() throws Exception {
        start(settings());
        server.addStatusSection("hardware", () -> Map.of("cpu_temp_c", 51.5));
        server.addStatusSection("broken", () -> { throw new IllegalStateException("sensor gone"); });
        assertThrows(IllegalArgumentException.class, () -> server.addStatusSection("viewers", () -> 1));
        postOffer();
        JsonNode s = body(http.get("/api/status"));
        assertEquals("fake", s.path("pipeline").asText());
        assertEquals("running", s.path("state").asText());
        assertEquals(1, s.path("viewers").asInt());
        assertTrue(s.has("uptime_s"));
        assertEquals("x264enc", s.path("eyes").path("left").path("encoder").asText());
        assertEquals("no v4l2h264enc", s.path("eyes").path("left").path("encoder_reason").asText());
        assertEquals(1280, s.path("eyes").path("right").path("width").asInt());
        assertEquals(51.5, s.path("hardware").path("cpu_temp_c").asDouble());
        assertEquals("sensor gone", s.path("broken").path("error").asText());
    }

    @Test
    void clientStatsAreKeptAndShownInStatus() throws Exception {
        start(settings());
        String summary = "{\"userAgent\":\"test\",\"eyes\":[{\"eye\":\"left\",\"fps\":29.5},"
                + "{\"eye\":\"right\",\"fps\":30}]}";
        assertEquals(204, http.post("/api/client-stats", "application/json", summary).statusCode());
        assertEquals(204, http.post("/api/client-stats", "application/json", summary).statusCode());
        JsonNode clients = body(http.get("/api/status")).path("clients");
        assertEquals(1, clients.size(), "the same client replaces its summary: " + clients);
        assertEquals(29.5, clients.get(0).path("eyes").get(0).path("fps").asDouble());
        assertEquals(400, http.post("/api/client-stats", "application/json", "{\"eyes\": 3}").statusCode());
        assertEquals(400, http.post("/api/client-stats", "application/json", "not json").statusCode());
        assertEquals(415, http.post("/api/client-stats", "text/plain", summary).statusCode());
    }

    @Test
    void servesTheStaticClientAtRoot() throws Exception {
        assertNotNull(getClass().getResource("/web/index.html"), "the client page is bundled");
        start(settings());
        HttpResponse<String> r = http.get("/");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertEquals(200, http.get("/index.html").statusCode());
    }

    @Test
    void staticDirOverridesTheBundledClient(@TempDir Path dev) throws Exception {
        java.nio.file.Files.writeString(dev.resolve("index.html"), "<p>dev build</p>");
        java.nio.file.Files.writeString(dev.resolve("extra.js"), "console.log(1)");
        start(settings().withStaticDir(dev));
        assertEquals("<p>dev build</p>", http.get("/").body());
        HttpResponse<String> js = http.get("/extra.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElseThrow().contains("javascript"));
    }

    // ---- lifecycle and certificate -------------------------------------------------------------

    @Test
    void closeEndsSessionsAndIsIdempotent() throws Exception {
        start(settings());
        postOffer();
        postOffer();
        server.close();
        assertTrue(pipeline.sessions.stream().allMatch(FakePipeline.FakeSession::isClosed));
        server.close();
        assertThrows(IllegalStateException.class, () -> server.start());
        new WebServer(settings(), pipeline).close(); // close without start
    }

    @Test
    void generatedCertificateIsReusedAcrossRestarts() throws Exception {
        start(settings());
        var first = server.tlsIdentity().certificate();
        server.close();
        start(settings());
        assertEquals(first, server.tlsIdentity().certificate());
        // The client trusts exactly that certificate and verifies 127.0.0.1 against its SANs.
        assertEquals(200, http.get("/healthz").statusCode());
    }

    @Test
    void portInUseIsAClearError() throws Exception {
        start(settings());
        WebServer second = new WebServer(settings().withPorts(server.httpsPort(), WebSettings.HTTP_OFF), pipeline);
        StereoException e = assertThrows(StereoException.class, second::start);
        assertTrue(e.getMessage().contains(String.valueOf(server.httpsPort())), e.getMessage());
        second.close();
    }
}
