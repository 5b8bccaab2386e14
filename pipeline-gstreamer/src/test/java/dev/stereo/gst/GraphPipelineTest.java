package dev.stereo.gst;

import dev.stereo.calibration.ConfigLoader;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.ViewerSession;
import org.freedesktop.gstreamer.Gst;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real graph with the real webrtcbin, answering a Chromium-shaped offer. */
class GraphPipelineTest {

    @BeforeAll
    static void init() {
        if (!Gst.isInitialized()) {
            dev.stereo.core.gst.GstRuntime.init("test");
        }
    }

    static StereoConfig smallTestConfig() throws Exception {
        return ConfigLoader.parse("""
                stream: {width: 640, height: 360, fps: 30}
                cameras:
                  left: {source: test, bitrate_mbps: 2}
                  right: {source: test, bitrate_mbps: 2}
                """, Path.of("test.yaml"));
    }

    static String offer() throws Exception {
        try (InputStream in = GraphPipelineTest.class.getResourceAsStream("/chrome-offer-2video.sdp")) {
            // No remote candidates: this test never sends a packet, so it may run outside the namespace.
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^a=candidate:.*\\n", "")
                    .replace("\n", "\r\n");
        }
    }

    @Test
    void answersWithTwoSendonlyH264TracksAndOneEncoderPerEye() throws Exception {
        try (GraphPipeline p = new GraphPipeline(smallTestConfig())) {
            p.start();
            Thread.sleep(500);
            ViewerSession v = p.connect(offer());
            String answer = v.answerSdp();
            System.out.println(answer);
            assertEquals(2, answer.split("m=video ").length - 1, answer);
            assertEquals(2, answer.split("a=sendonly").length - 1, answer);
            assertTrue(answer.contains("a=rtpmap:106 H264/90000"), answer);
            assertTrue(answer.contains("candidate:"), "answer carries candidates: " + answer);
            Thread.sleep(500);
            PipelineStatus s = p.status();
            assertEquals(2, s.encoders());
            assertEquals(1, s.viewers());
            assertTrue(s.eyes().get("left").framesEncoded() > 5, "frames encoded: " + s);
            assertEquals(0, p.countDecoders());
            p.setBitrate(dev.stereo.core.Eye.LEFT, 0.75);
            assertEquals(0.75, p.status().eyes().get("left").bitrateMbps());
            assertEquals(2.0, p.status().eyes().get("right").bitrateMbps());
            p.requestKeyframe();
            v.close();
            assertEquals(0, p.status().viewers());
            assertEquals(2, p.status().encoders());
        }
    }

    @Test
    void outputSizeScalesThatEyeOnlyAndCpuGeometryIsBuiltWhenGlIsMissing() throws Exception {
        StereoConfig config = ConfigLoader.parse("""
                stream: {width: 640, height: 360, fps: 30}
                cameras:
                  left: {source: test, output_size: {width: 320, height: 180}, flip_vertical: true}
                  right: {source: test}
                """, Path.of("test.yaml"));
        GraphDescription g = new GraphPipeline(config).describe(false);
        String launch = g.launch();
        String left = launch.lines().filter(l -> l.contains("src_left")).findFirst().orElseThrow();
        String right = launch.lines().filter(l -> l.contains("src_right")).findFirst().orElseThrow();
        assertTrue(left.contains("videoflip name=flip_left method=vertical-flip"), left);
        assertTrue(left.contains("width=320,height=180"), left);
        // Identity geometry still has its CPU elements (in passthrough) so a calibration change applies live.
        assertTrue(!right.contains("width=320") && right.contains("videoflip name=flip_right method=none"), right);
        try (GraphPipeline p = new GraphPipeline(config)) {
            p.start();
            Thread.sleep(700);
            assertEquals(320, p.status().eyes().get("left").width());
            assertTrue(p.status().eyes().get("left").framesEncoded() > 3, p.status().toString());
            assertEquals("running", p.status().state());
        }
    }

    @Test
    void frameRateAndGeometryChangeLiveWithTheTestSource() throws Exception {
        try (GraphPipeline p = new GraphPipeline(smallTestConfig())) {
            p.start();
            Thread.sleep(1000);
            double before = encodedFps(p, 2000);
            p.setFrameRate(10);
            assertEquals(10, p.status().eyes().get("left").fps());
            Thread.sleep(500);
            double after = encodedFps(p, 2000);
            assertTrue(before > 18 && after > 7 && after < 12.5, "30 -> 10 fps live: " + before + " -> " + after);
            // Geometry changes on an eye that started without geometry: the passthrough CPU elements
            // take them. Many in a row, because a frame between two margin changes has another size
            // (that once failed negotiation and stopped the eye).
            var cam = smallTestConfig().left();
            for (int i = 0; i < 20; i++) {
                p.applyGeometry(dev.stereo.core.Eye.LEFT, new StereoConfig.CameraConfig(cam.source(), cam.device(),
                        cam.capture(), new StereoConfig.Crop(i % 3 * 4, i % 2 * 8, 0, 0), i % 2 == 0, i % 3 == 0, 0,
                        i % 5 * 3 - 6, i % 4 - 2, cam.bitrateMbps(), cam.gopFrames(), cam.idrInterval(),
                        cam.spsPpsMode(), cam.outputSize(), null, StereoConfig.Distortion.NONE));
                Thread.sleep(40);
            }
            Thread.sleep(700);
            assertTrue(encodedFps(p, 1000) > 7, "still encoding after live crops, flips and offsets: " + p.status());
            assertEquals("running", p.status().state());
        }
    }

    /** Left-eye frames encoded per second over {@code ms}. */
    static double encodedFps(GraphPipeline p, long ms) throws InterruptedException {
        long a = p.status().eyes().get("left").framesEncoded();
        Thread.sleep(ms);
        return (p.status().eyes().get("left").framesEncoded() - a) * 1000.0 / ms;
    }
}
