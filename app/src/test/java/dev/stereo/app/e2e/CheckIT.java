package dev.stereo.app.e2e;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code stereo check} and {@code stereo pipeline --print} on this machine (no camera, no encoder block). */
class CheckIT {

    @Test
    void checkNamesX264AsTheChosenEncoderAndSaysWhy() throws Exception {
        Appliance.Result r = Appliance.run(60, "check");
        String out = r.output();
        assertEquals(0, r.exitCode(), out);
        assertTrue(out.matches("(?s).*left +x264enc: .*v4l2h264enc not installed.*x264enc .*available.*"), out);
        assertTrue(out.matches("(?s).*right +x264enc: .*"), out);
        assertTrue(out.contains("GStreamer: GStreamer 1."), out);
        assertTrue(out.contains("MISSING  v4l2h264enc"), out);
        assertTrue(out.contains("present  webrtcbin"), out);
        assertTrue(out.contains("none found"), "no cameras here: " + out);
        assertTrue(out.contains("OpenGL: "), out);
    }

    @Test
    void pipelinePrintShowsTheGraphWithOneEncoderPerEye() throws Exception {
        Appliance.Result r = Appliance.run(60, "pipeline", "--print", "--source=test");
        String out = r.output();
        assertEquals(0, r.exitCode(), out);
        assertTrue(out.contains("gst-launch-1.0"), out);
        assertEquals(2, out.split("x264enc name=enc_").length - 1, out);
        assertTrue(out.contains("tee name=tee_left") && out.contains("tee name=tee_right"), out);
    }

    @Test
    void helpExplainsEveryOption() throws Exception {
        Appliance.Result r = Appliance.run(30, "--help");
        assertEquals(0, r.exitCode(), r.output());
        for (String option : new String[] {"--pipeline", "--config", "--source", "--port", "check", "pipeline"}) {
            assertTrue(r.output().contains(option), option + " in: " + r.output());
        }
    }
}
