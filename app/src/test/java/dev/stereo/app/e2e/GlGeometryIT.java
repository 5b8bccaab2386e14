package dev.stereo.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GL geometry path for real: the appliance runs under Xvfb (Mesa llvmpipe, as TESTING.md
 * describes; a Pi uses EGL instead), the left eye is flipped by the generated glshader, and the
 * browser sees it: the left track's probe band arrives mirrored (so it no longer reads as eye 0)
 * while the untouched right track still carries eye 1.
 */
class GlGeometryIT {

    @TempDir
    Path dir;

    @BeforeAll
    static void guard() throws Exception {
        E2e.requireLoopbackOnlyNamespace();
    }

    @Test
    void leftFlipIsAppliedOnTheGpuAndOnlyToTheLeftEye() throws Exception {
        Path config = E2e.config(dir, "", "");
        Files.writeString(config, Files.readString(config).replace("left: {source: test,",
                "left: {source: test, flip_horizontal: true,"));
        try (Appliance a = Appliance.startWrapped(List.of("xvfb-run", "-a"), config);
             Viewer v = Viewer.start(a.url(), "--seconds", "3")) {
            assertTrue(a.log().stream().anyMatch(l -> l.contains("glshader name=shader_left")),
                    "the graph uses the GL shader for the left eye: " + a.log());
            JsonNode r = v.result(90);
            assertTrue(r.path("ok").asBoolean(), r.toString());
            JsonNode left = r.path("tracks").get(0);
            JsonNode right = r.path("tracks").get(1);
            assertTrue(left.path("frames").asInt() > 30, left.toString());
            assertEquals(0, left.path("eyeIds").path("0").asInt(0), "left band must arrive mirrored: " + left);
            assertTrue(right.path("eyeIds").path("1").asInt(0) > 30, "right eye untouched: " + right);
        }
    }
}
