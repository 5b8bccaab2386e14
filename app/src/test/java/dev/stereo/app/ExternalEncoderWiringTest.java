package dev.stereo.app;

import dev.stereo.calibration.ConfigLoader;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.SourceType;
import dev.stereo.dualtrack.DualTrackPipeline;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code external_encoder} from the YAML through the app's wiring (nothing is started here). */
class ExternalEncoderWiringTest {

    static final Path FILE = Path.of("/etc/stereo/camera_profiles.yaml");

    static StereoConfig config() throws Exception {
        return ConfigLoader.parse("""
                cameras:
                  left:
                    device: "0"
                    external_encoder: {command: [rpicam-vid, --camera, "{camera}", --inline, -o, "-"]}
                  right: {source: test}
                """, FILE);
    }

    @Test
    void option3RefusesItAtStartWithTheReason() throws Exception {
        Main.UsageError e = assertThrows(Main.UsageError.class, () -> Wiring.pipeline("option3", config()));
        assertEquals("cameras.left.external_encoder is set in " + FILE + ": external_encoder needs --pipeline=option2",
                e.getMessage());
        // The restartable pipeline serve builds fails the same way, before anything is started.
        assertThrows(Main.UsageError.class, () -> Wiring.restartablePipeline("option3", config()));
    }

    @Test
    void option2TakesItAndTheEyeIsNotResolvedToACamera() throws Exception {
        StereoConfig c = config();
        // The left eye's process does its own capture: no discovery, its source and device stay as written.
        StereoConfig resolved = SourceResolver.resolve(c);
        assertEquals(SourceType.AUTO, resolved.left().source());
        assertEquals("0", resolved.left().device());
        assertEquals(c.left().externalEncoder(), resolved.left().externalEncoder());
        assertInstanceOf(DualTrackPipeline.class, Wiring.pipeline("option2", c)).close();
    }

    @Test
    void commandLineSourceOverrideKeepsTheExternalEncoder() throws Exception {
        StereoConfig c = ConfigOverrides.apply(config(), SourceType.TEST, null);
        assertEquals(SourceType.TEST, c.left().source());
        assertEquals(List.of("rpicam-vid", "--camera", "{camera}", "--inline", "-o", "-"),
                c.left().externalEncoder().command());
        assertNull(c.right().externalEncoder());
        assertTrue(c.left().externalEncoder().restartBackoffMaxMs() >= c.left().externalEncoder().restartBackoffMinMs());
    }
}
