package dev.stereo.app.hardware;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.stereo.calibration.StereoConfig.ButtonAction;
import dev.stereo.calibration.StereoConfig.GpioConfig;
import dev.stereo.core.PipelineStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static com.pi4j.io.gpio.digital.DigitalState.HIGH;
import static com.pi4j.io.gpio.digital.DigitalState.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status LED and button against Pi4J's mock GPIO provider. */
class HardwareTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AtomicReference<PipelineStatus> status = new AtomicReference<>(state("stopped", 0));
    private final RecordingControl control = new RecordingControl();
    private Context context;
    private Hardware hardware;

    static PipelineStatus state(String state, int viewers) {
        return new PipelineStatus("option3", state, "dual-track", Map.of(), viewers, 2);
    }

    private Hardware open(GpioConfig config) {
        context = Pi4J.newContextBuilder().noAutoDetect().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        hardware = Hardware.open(config, () -> context, status::get, control, clock::get);
        return hardware;
    }

    @AfterEach
    void close() {
        if (hardware != null) {
            hardware.close();
        }
        if (context != null && !context.isShutdown()) {
            context.shutdown();
        }
    }

    /** LED state at these moments (relative to now), ticking the LED at each. */
    private List<DigitalState> ledAt(long... offsets) {
        DigitalOutput out = context.io("stereo-led");
        long base = clock.get() - Math.floorMod(clock.get(), 1000); // start of a blink period
        List<DigitalState> states = new java.util.ArrayList<>();
        for (long o : offsets) {
            clock.set(base + o);
            hardware.led().tick();
            states.add(out.state());
        }
        return states;
    }

    @Test
    void pipelineStateDrivesTheLedPattern() {
        open(new GpioConfig(17, false, null, true, ButtonAction.KEYFRAME, 2000));
        assertTrue(hardware.warnings().isEmpty(), hardware.warnings().toString());

        status.set(state("stopped", 0));
        assertEquals(List.of(LOW, LOW, LOW), ledAt(0, 300, 700));
        assertEquals(LedPattern.OFF, hardware.led().pattern());

        status.set(state("running", 0));
        assertEquals(List.of(HIGH, HIGH, LOW, LOW, HIGH), ledAt(0, 400, 500, 900, 1000), "slow blink: no viewer");
        assertEquals(LedPattern.SLOW_BLINK, hardware.led().pattern());

        status.set(state("running", 2));
        assertEquals(List.of(HIGH, HIGH, HIGH), ledAt(0, 500, 950), "on: streaming");

        status.set(state("error", 0));
        assertEquals(List.of(HIGH, LOW, HIGH, LOW), ledAt(0, 100, 200, 350), "fast blink: error");
        assertEquals(Map.of("pin", 17, "pattern", "fast_blink"), hardware.status().get("led"));

        DigitalOutput out = context.io("stereo-led");
        status.set(state("running", 1));
        hardware.led().tick();
        assertEquals(HIGH, out.state());
        hardware.close();
        assertEquals(LOW, out.state(), "dark once stopped");
    }

    @Test
    void activeLowLedIsInverted() {
        open(new GpioConfig(4, true, null, true, ButtonAction.KEYFRAME, 2000));
        status.set(state("running", 1));
        assertEquals(List.of(LOW), ledAt(0), "lit = pin low");
        status.set(state("stopped", 0));
        assertEquals(List.of(HIGH), ledAt(0));
    }

    @Test
    void theTickerBlinksOnItsOwnOnceStarted() throws Exception {
        context = Pi4J.newContextBuilder().noAutoDetect().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        status.set(state("error", 0));
        hardware = Hardware.open(new GpioConfig(17, false, null, true, ButtonAction.KEYFRAME, 2000), () -> context,
                status::get, control, System::currentTimeMillis);
        DigitalOutput out = context.io("stereo-led");
        hardware.start();
        boolean sawHigh = false;
        boolean sawLow = false;
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!(sawHigh && sawLow) && System.nanoTime() < deadline) {
            sawHigh |= out.state() == HIGH;
            sawLow |= out.state() == LOW;
            Thread.sleep(10);
        }
        assertTrue(sawHigh && sawLow, "fast blink seen from the ticker thread");
    }

    @Test
    void shortPressRequestsAKeyframeLongPressRestartsBounceIsIgnored() throws Exception {
        open(new GpioConfig(null, false, 27, true, ButtonAction.KEYFRAME, 2000));
        MockDigitalInput button = context.io("stereo-button");
        button.mockState(HIGH); // idle: pulled up

        press(button, 5);       // bounce
        press(button, 150);     // short
        assertEquals(List.of("keyframe"), control.await(1));
        press(button, 2500);    // long
        assertEquals(List.of("keyframe", "restart"), control.await(2));
        assertEquals(2, hardware.button().presses());
        assertEquals("restart pipeline", hardware.button().lastAction());
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) hardware.status().get("button");
        assertEquals(27, b.get("pin"));
        assertEquals(2, b.get("presses"));
        assertNull(hardware.status().get("led"), "no LED configured");
    }

    @Test
    void shortPressCanToggleTheLayoutAndActiveHighButtonsWork() throws Exception {
        open(new GpioConfig(null, false, 22, false, ButtonAction.LAYOUT, 1000));
        MockDigitalInput button = context.io("stereo-button");
        button.mockState(LOW);
        button.mockState(HIGH);
        clock.addAndGet(200);
        button.mockState(LOW);
        assertEquals(List.of("layout"), control.await(1));
    }

    private void press(MockDigitalInput button, long heldMs) {
        button.mockState(LOW);
        clock.addAndGet(heldMs);
        button.mockState(HIGH);
        clock.addAndGet(1000);
    }

    @Test
    void missingHardwareIsAWarningNeverACrash() {
        hardware = Hardware.open(new GpioConfig(17, false, 27, true, ButtonAction.KEYFRAME, 2000),
                () -> { throw new IllegalStateException("no /dev/gpiochip0"); }, status::get, control, clock::get);
        assertNull(hardware.led());
        assertNull(hardware.button());
        assertEquals(List.of("GPIO unavailable (java.lang.IllegalStateException: no /dev/gpiochip0): no status LED, "
                + "no button"), hardware.warnings());
        hardware.start();
        hardware.close();

        // This machine's real GPIO (gpiod): on a Pi it works, elsewhere it must only warn.
        Hardware real = Hardware.open(new GpioConfig(17, false, null, true, ButtonAction.KEYFRAME, 2000),
                Hardware::gpiodContext, status::get, control, clock::get);
        try {
            assertTrue(real.led() != null || !real.warnings().isEmpty());
        } finally {
            real.close();
        }
    }

    @Test
    void noPinsConfiguredTouchesNoGpio() {
        Hardware none = Hardware.open(new GpioConfig(null, false, null, true, ButtonAction.KEYFRAME, 2000),
                () -> { throw new AssertionError("GPIO opened without a pin"); }, status::get, control, clock::get);
        assertEquals(Map.of("warnings", List.of()), none.status());
        none.close();
    }
}
