package dev.stereo.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user gets for bad input: statuses, reasons, and config errors that name every mistake. */
class ErrorsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void guard() throws Exception {
        E2e.requireLoopbackOnlyNamespace();
    }

    static String validOffer() throws Exception {
        try (InputStream in = ErrorsIT.class.getResourceAsStream("/offer-no-candidates.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\n", "\r\n");
        }
    }

    @Test
    void malformedSdpIs400WithReasonAndWrongContentTypeIs415() throws Exception {
        try (Appliance a = Appliance.start(E2e.config(dir, "", ""))) {
            HttpResponse<String> bad = E2e.post(a.url() + "/whep", "application/sdp", "v=0\r\nnonsense", null);
            assertEquals(400, bad.statusCode(), bad.body());
            JsonNode err = JSON.readTree(bad.body());
            assertTrue(err.path("detail").asText().contains("line 2"), bad.body());

            HttpResponse<String> oneTrack = E2e.post(a.url() + "/whep", "application/sdp",
                    validOffer().substring(0, validOffer().indexOf("m=video 9 UDP/TLS/RTP/SAVPF 96 106")), null);
            assertEquals(400, oneTrack.statusCode(), oneTrack.body());
            assertTrue(JSON.readTree(oneTrack.body()).path("detail").asText().contains("1 video m-line"),
                    oneTrack.body());

            HttpResponse<String> json = E2e.post(a.url() + "/whep", "application/json", "{}", null);
            assertEquals(415, json.statusCode(), json.body());
            assertTrue(json.body().contains("application/sdp"), json.body());

            HttpResponse<String> badJson = E2e.post(a.url() + "/offer", "application/json", "{\"type\":", null);
            assertEquals(400, badJson.statusCode(), badJson.body());
        }
    }

    @Test
    void tokenIsRequiredWhenConfigured() throws Exception {
        try (Appliance a = Appliance.start(E2e.config(dir, "token: s3cret", ""))) {
            HttpResponse<String> none = E2e.post(a.url() + "/whep", "application/sdp", validOffer(), null);
            assertEquals(401, none.statusCode(), none.body());
            HttpResponse<String> wrong = E2e.post(a.url() + "/whep", "application/sdp", validOffer(), "nope");
            assertEquals(401, wrong.statusCode(), wrong.body());
            HttpResponse<String> right = E2e.post(a.url() + "/whep", "application/sdp", validOffer(), "s3cret");
            assertEquals(201, right.statusCode(), right.body());
            assertTrue(right.body().startsWith("v=0"), right.body());
        }
    }

    @Test
    void viewerOverMaxViewersGets503WithRetryAfter() throws Exception {
        try (Appliance a = Appliance.start(E2e.config(dir, "max_viewers: 1", ""));
             Viewer first = Viewer.start(a.url(), "--seconds", "3", "--hold")) {
            // Wait until the browser holds the only slot, then ask for a second one.
            int viewers = 0;
            for (int i = 0; i < 120 && viewers < 1; i++) {
                Thread.sleep(250);
                viewers = JSON.readTree(E2e.get(a.url() + "/api/status").body()).path("viewers").asInt();
            }
            assertEquals(1, viewers, "the browser viewer never connected");
            HttpResponse<String> over = E2e.post(a.url() + "/whep", "application/sdp", validOffer(), null);
            assertEquals(503, over.statusCode(), over.body());
            assertTrue(over.headers().firstValue("Retry-After").isPresent(), over.headers().toString());
            assertEquals("application/json", over.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            first.release();
            assertTrue(first.result(60).path("ok").asBoolean());
        }
    }

    @Test
    void configWithThreeMistakesNamesAllThreeWithLinesAndStartsNothing() throws Exception {
        Path config = dir.resolve("broken.yaml");
        Files.writeString(config, String.join("\n",
                "server:",
                "  port: 70000",
                "stream:",
                "  width: 640",
                "  height: 360",
                "  fps: fast",
                "cameras:",
                "  left:",
                "    flip_horizontel: true",
                ""));
        Appliance.Result r = Appliance.run(60, "--config", config.toString());
        assertEquals(2, r.exitCode(), r.output());
        String out = r.output();
        assertTrue(out.contains("broken.yaml:2") && out.contains("server.port"), out);
        assertTrue(out.contains("broken.yaml:6") && out.contains("stream.fps"), out);
        assertTrue(out.contains("broken.yaml:9") && out.contains("flip_horizontel"), out);
        assertTrue(out.contains("flip_horizontal"), "suggests the right key: " + out);
        assertFalse(out.contains("serving"), out);
    }
}
