package dev.stereo.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.stereo.app.control.Appliance;
import dev.stereo.app.control.RestartablePipeline;
import dev.stereo.calibration.ConfigLoader;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoException;
import dev.stereo.core.StereoPipeline;
import dev.stereo.core.ViewerSession;
import dev.stereo.web.WebServer;
import dev.stereo.web.WebSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * serve's appliance wiring without media: a stand-in pipeline behind the real RestartablePipeline,
 * the real web server on loopback, Pi4J's mock GPIO, and a fake thermal zone file. What a user sees
 * in /api/status and on the LED follows the temperature, the pipeline and the button.
 */
class ApplianceWiringTest {

    @TempDir
    Path tmp;
    final List<FakePipeline> built = new CopyOnWriteArrayList<>();
    WebServer web;
    Appliance appliance;
    RestartablePipeline pipeline;
    Context gpio;

    /** Just enough pipeline: a state, a viewer count and the config it was built from. */
    static final class FakePipeline implements StereoPipeline {
        final StereoConfig config;
        volatile String state = "stopped";
        volatile int viewers;
        final Map<dev.stereo.core.Eye, Double> bitrates = new java.util.concurrent.ConcurrentHashMap<>();

        FakePipeline(StereoConfig config) {
            this.config = config;
        }

        @Override public String name() { return "option3"; }
        @Override public void start() { state = "running"; }
        @Override public ViewerSession connect(String offerSdp) throws StereoException {
            throw new StereoException("no media in this test");
        }
        @Override public PipelineStatus status() {
            var eye = new PipelineStatus.EyeStatus("test", "x264enc", "", config.stream().width(),
                    config.stream().height(), config.stream().fps(), 0, 0);
            return new PipelineStatus("option3", state, config.stream().layout().key(),
                    Map.of("left", eye, "right", eye), viewers, 2);
        }
        @Override public void close() { state = "stopped"; }
        @Override public void setBitrate(dev.stereo.core.Eye eye, double mbps) { bitrates.put(eye, mbps); }
    }

    @AfterEach
    void stop() {
        if (appliance != null) appliance.close();
        if (web != null) web.close();
        if (pipeline != null) pipeline.close();
        if (gpio != null && !gpio.isShutdown()) gpio.shutdown();
    }

    private void serve(String yaml) throws Exception {
        Path file = tmp.resolve("camera_profiles.yaml");
        Files.writeString(file, yaml);
        StereoConfig config = ConfigLoader.load(file);
        pipeline = new RestartablePipeline(config, c -> {
            FakePipeline p = new FakePipeline(c);
            built.add(p);
            return p;
        });
        web = new WebServer(new WebSettings("127.0.0.1", 0, WebSettings.HTTP_OFF, null, null, tmp.resolve("state"),
                null, 4, null), pipeline);
        gpio = Pi4J.newContextBuilder().noAutoDetect().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        // Exactly what serve does, with mock GPIO and without systemd.
        appliance = Appliance.create(config, pipeline, Wiring.streamControl(pipeline), () -> gpio, Map.of(),
                web::addStatusSection);
        writeSensor(40);
        pipeline.start();
        web.start();
        appliance.start("serving");
        // The governor polls once on its own timer at start; wait for it so that from here on only
        // the test polls (the next timer poll is a minute away).
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (appliance.thermal().temperature() == null) {
            assertTrue(System.nanoTime() < deadline, "the thermal governor never polled its sensor");
            Thread.sleep(10);
        }
    }

    private JsonNode status() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("server", web.tlsIdentity().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + web.httpsPort() + "/api/status")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }

    private void temperature(double celsius) throws Exception {
        writeSensor(celsius);
        appliance.thermal().poll();
    }

    /**
     * Replaces the fake sensor file atomically: the governor's own timer polls once at start, and a
     * plain write (truncate, then write) could let it read an empty file between the two.
     */
    private void writeSensor(double celsius) throws Exception {
        Path next = tmp.resolve("temp.next");
        Files.writeString(next, Math.round(celsius * 1000) + "\n");
        Files.move(next, tmp.resolve("temp"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void risingThenFallingTemperatureShowsInApiStatus() throws Exception {
        serve("""
                thermal: {sensor: temp, throttle_c: 75, resume_c: 68, step_interval_s: 0, poll_interval_s: 60}
                cameras: {left: {bitrate_mbps: 12}, right: {bitrate_mbps: 10}}
                """);
        temperature(55);
        JsonNode t = status().get("thermal");
        assertEquals(55.0, t.get("temperature_c").asDouble());
        assertEquals("normal", t.get("state").asText());
        assertEquals(12.0, t.get("target_bitrate_mbps").get("left").asDouble());

        temperature(80);
        temperature(81);
        t = status().get("thermal");
        assertEquals("throttled", t.get("state").asText());
        assertEquals(2, t.get("level").asInt());
        assertEquals(6.75, t.get("target_bitrate_mbps").get("left").asDouble());
        assertEquals(5.63, t.get("target_bitrate_mbps").get("right").asDouble());
        assertEquals(72, t.get("target_fps").asInt());
        // The running pipeline took the new bitrates.
        assertTrue(t.get("applied").asBoolean(), t.toString());
        assertEquals(6.75, built.get(0).bitrates.get(dev.stereo.core.Eye.LEFT));
        assertEquals(5.63, built.get(0).bitrates.get(dev.stereo.core.Eye.RIGHT), 0.01);

        temperature(70); // inside the band: holds
        assertEquals(2, status().get("thermal").get("level").asInt());
        temperature(60);
        temperature(60);
        t = status().get("thermal");
        assertEquals("normal", t.get("state").asText());
        assertEquals(12.0, t.get("target_bitrate_mbps").get("left").asDouble());
        assertEquals(10.0, t.get("target_bitrate_mbps").get("right").asDouble());
    }

    @Test
    void ledFollowsThePipelineAndALongPressRestartsItShortPressTogglesTheLayout() throws Exception {
        serve("""
                gpio: {led_pin: 17, button_pin: 27, short_press: layout, long_press_ms: 300}
                thermal: {sensor: temp}
                """);
        DigitalOutput led = gpio.io("stereo-led");
        JsonNode hw = status().get("hardware");
        assertEquals(17, hw.get("led").get("pin").asInt());
        assertEquals(0, hw.get("warnings").size());
        built.get(0).viewers = 1;
        assertTrue(awaitLed(led, DigitalState.HIGH, 50), "streaming: steadily on");
        assertEquals("on", status().get("hardware").get("led").get("pattern").asText());

        MockDigitalInput button = gpio.io("stereo-button");
        button.mockState(DigitalState.HIGH);
        button.mockState(DigitalState.LOW);
        Thread.sleep(400);
        button.mockState(DigitalState.HIGH); // long press
        awaitBuilt(2);
        assertEquals("dual-track", built.get(1).config.stream().layout().key());
        assertEquals("slow_blink", awaitPattern("slow_blink"), "restarted: running, no viewer yet");

        button.mockState(DigitalState.LOW);
        Thread.sleep(60);
        button.mockState(DigitalState.HIGH); // short press: layout
        awaitBuilt(3);
        assertEquals("side-by-side", built.get(2).config.stream().layout().key());
        assertEquals("stopped", built.get(1).state, "the old pipeline was closed");
        assertEquals("side-by-side", status().get("layout").asText());

        built.get(2).state = "error";
        assertEquals("fast_blink", awaitPattern("fast_blink"));
        assertTrue(appliance.notifier() != null);
    }

    private boolean awaitLed(DigitalOutput led, DigitalState state, int tries) throws InterruptedException {
        for (int i = 0; i < tries && led.state() != state; i++) {
            Thread.sleep(20);
        }
        return led.state() == state;
    }

    private String awaitPattern(String pattern) throws Exception {
        String p = null;
        for (int i = 0; i < 100; i++) {
            p = status().get("hardware").get("led").get("pattern").asText();
            if (p.equals(pattern)) {
                break;
            }
            Thread.sleep(20);
        }
        return p;
    }

    private void awaitBuilt(int n) throws InterruptedException {
        for (int i = 0; i < 250 && (built.size() < n || !built.get(n - 1).state.equals("running")); i++) {
            Thread.sleep(20);
        }
        assertEquals(n, built.size(), "pipelines built");
        assertEquals("running", built.get(n - 1).state);
    }
}
