package dev.stereo.app.config;

import dev.stereo.calibration.ConfigLoader;
import dev.stereo.calibration.LiveGeometry;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.Eye;
import dev.stereo.core.StereoException;
import dev.stereo.web.LiveStream;
import dev.stereo.web.StreamChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reloads of a real file through the real ConfigLoader; the pipeline side records what it got. */
class ConfigReloaderTest {

    static final String YAML = """
            stream: {width: 640, height: 360, fps: 30}
            cameras:
              left:
                source: test
                flip_horizontal: false
              right: {source: test}
            """;

    @TempDir
    Path dir;
    final List<String> geometry = new CopyOnWriteArrayList<>();
    final List<StreamChange> targets = new CopyOnWriteArrayList<>();
    boolean refuseFps = true;

    final LiveGeometry pipeline = (eye, cam) -> {
        if (eye == Eye.RIGHT && !cam.distortion().isNone()) {
            throw new StereoException("lens rectification needs the GL shader: restart to apply it");
        }
        geometry.add(eye.key() + " flipH=" + cam.flipHorizontal() + " crop=" + cam.crop().x());
    };

    final LiveStream stream = new LiveStream() {
        @Override
        public Object state() {
            return null;
        }

        @Override
        public Object apply(StreamChange change) throws Refused {
            if (refuseFps && change.fps() != null) {
                throw new Refused("option3 cannot change the frame rate while running: set stream.fps and restart");
            }
            targets.add(change);
            return null;
        }
    };

    ConfigReloader reloader(Path file) throws Exception {
        StereoConfig start = ConfigLoader.load(file);
        return new ConfigReloader(file, ConfigLoader::load, start, pipeline, stream, System::currentTimeMillis);
    }

    @Test
    void flipAppliesLiveBrokenEditKeepsRunningConfigWithTheLine() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, YAML);
        ConfigReloader r = reloader(file);

        Files.writeString(file, YAML.replace("flip_horizontal: false", "flip_horizontal: true"));
        r.reload();
        assertEquals(List.of("left flipH=true crop=0"), geometry);
        assertEquals(List.of("cameras.left geometry"), r.status().applied());
        assertNull(r.status().lastError());

        Files.writeString(file, YAML.replace("flip_horizontal: false", "flip_horizontal: sideways"));
        r.reload();
        String error = r.status().lastError();
        assertTrue(error != null && error.contains(file + ":5: cameras.left.flip_horizontal = \"sideways\""), error);
        assertEquals(1, geometry.size(), "nothing applied from a broken file");

        // Fixed again, unchanged from what runs: nothing to apply, the error is gone.
        Files.writeString(file, YAML.replace("flip_horizontal: false", "flip_horizontal: true"));
        r.reload();
        assertEquals(1, geometry.size());
        assertNull(r.status().lastError());
    }

    @Test
    void bitrateIsATargetFpsRefusedSizeNeedsRestartAndNotAppliedGeometryIsReported() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, YAML);
        ConfigReloader r = reloader(file);
        Files.writeString(file, YAML.replace("width: 640", "width: 800").replace("source: test\n", "source: test\n    bitrate_mbps: 3\n")
                .replace("right: {source: test}", "right: {source: test, intrinsics: {fx: 500, fy: 500, cx: 320, cy: 180}, "
                        + "distortion: {k1: -0.2}}"));
        r.reload();
        assertEquals(List.of(new StreamChange(3.0, 12.0, null)), targets, "bitrate_mbps is the base target (right: default 12)");
        assertEquals(List.of("stream.width"), r.status().needsRestart());
        assertTrue(r.status().notApplied().get(0).contains("lens rectification needs the GL shader"), r.status().toString());

        Files.writeString(file, YAML.replace("fps: 30", "fps: 60"));
        r.reload();
        assertTrue(r.status().notApplied().stream().anyMatch(s -> s.contains("cannot change the frame rate")),
                r.status().toString());
        assertTrue(r.status().needsRestart().isEmpty(), "width is back to what runs: " + r.status());
        refuseFps = false;
        Files.writeString(file, YAML.replace("fps: 30", "fps: 24"));
        r.reload();
        assertEquals(24, targets.get(targets.size() - 1).fps());
    }
}
