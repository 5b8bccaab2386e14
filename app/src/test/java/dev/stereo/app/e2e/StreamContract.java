package dev.stereo.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser gets two tracks, left eye first, at the configured rate: the real stereo.jar, the
 * real pipeline, headless Chromium as the viewer. One appliance serves every test of a subclass;
 * each subclass runs the same contract against one pipeline (option2 must be a drop-in swap).
 */
abstract class StreamContract {

    static final int FPS = 30;
    @TempDir
    static Path dir;
    static Appliance appliance;

    static void startWith(String pipeline) throws Exception {
        E2e.requireLoopbackOnlyNamespace();
        appliance = Appliance.start(E2e.config(dir, "", ""), "--pipeline=" + pipeline);
    }

    @AfterAll
    static void stop() {
        if (appliance != null) {
            appliance.close();
            appliance = null;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"whep", "offer"})
    void browserGetsLeftEyeOnFirstTrackAndRightOnSecondAtFullRate(String mode) throws Exception {
        JsonNode r;
        try (Viewer v = Viewer.start(appliance.url(), "--mode", mode, "--seconds", "10")) {
            r = v.result(90);
        }
        assertTrue(r.path("ok").asBoolean(), r.toString());
        assertEquals(2, r.path("tracks").size(), r.toString());
        for (int i = 0; i < 2; i++) {
            JsonNode t = r.path("tracks").get(i);
            int frames = t.path("frames").asInt();
            int otherEye = t.path("eyeIds").path(String.valueOf(1 - i)).asInt(0);
            int ownEye = t.path("eyeIds").path(String.valueOf(i)).asInt(0);
            assertTrue(ownEye > 0.95 * frames && otherEye == 0,
                    "track " + i + " must carry eye " + i + " only: " + t);
            assertTrue(t.path("fps").asDouble() >= 0.9 * FPS, "track " + i + " fps " + t.path("fps") + " < 90 % of "
                    + FPS + ": " + t);
            assertEquals(640, t.path("width").asInt());
            System.out.printf("[%s %s] track %d: %.1f fps, probe latency p50 %.1f ms p95 %.1f ms (n=%d)%n", getClass().getSimpleName(), mode, i,
                    t.path("fps").asDouble(), t.path("latencyMs").path("p50").asDouble(),
                    t.path("latencyMs").path("p95").asDouble(), t.path("latencyMs").path("n").asInt());
        }
    }

    @Test
    void twoBrowsersAtOnceBothGetFullStreamsFromOneEncoderPerEye() throws Exception {
        try (Viewer a = Viewer.start(appliance.url(), "--seconds", "8");
             Viewer b = Viewer.start(appliance.url(), "--seconds", "8")) {
            // While both play, the graph must hold exactly two encoders (one per eye).
            JsonNode status = null;
            for (int i = 0; i < 60; i++) {
                status = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(E2e.get(appliance.url() + "/api/status").body());
                if (status.path("viewers").asInt() == 2) {
                    break;
                }
                Thread.sleep(250);
            }
            assertEquals(2, status.path("viewers").asInt(), "both viewers connected: " + status);
            assertEquals(2, status.path("encoders").asInt(), "one encoder per eye: " + status);
            for (Viewer v : new Viewer[] {a, b}) {
                JsonNode r = v.result(90);
                assertTrue(r.path("ok").asBoolean(), r.toString());
                for (JsonNode t : r.path("tracks")) {
                    assertTrue(t.path("fps").asDouble() >= 0.9 * FPS, "fps with two viewers: " + t);
                }
            }
        }
    }

    @Test
    void viewerJoiningARunningStreamPresentsItsFirstFrameWithinOneSecond() throws Exception {
        try (Viewer first = Viewer.start(appliance.url(), "--seconds", "6")) {
            Thread.sleep(3000); // the stream is running and has a viewer
            try (Viewer late = Viewer.start(appliance.url(), "--seconds", "2")) {
                JsonNode r = late.result(90);
                assertTrue(r.path("ok").asBoolean(), r.toString());
                for (JsonNode t : r.path("tracks")) {
                    assertTrue(t.path("firstFrameMs").asDouble() < 1000,
                            "first frame after " + t.path("firstFrameMs") + " ms: " + t);
                }
            }
            assertTrue(first.result(90).path("ok").asBoolean());
        }
    }
}
