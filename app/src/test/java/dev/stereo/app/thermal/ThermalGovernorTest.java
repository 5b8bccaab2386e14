package dev.stereo.app.thermal;

import dev.stereo.app.control.EncoderTargets;
import dev.stereo.app.control.StreamControl;
import dev.stereo.calibration.StereoConfig.ThermalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Thermal protection driven by a fake thermal zone file whose temperature rises, then falls. */
class ThermalGovernorTest {

    static final EncoderTargets BASE = new EncoderTargets(12, 12, 72);

    @TempDir
    Path tmp;
    final AtomicLong clock = new AtomicLong(0);

    /** Records what the governor applied; can refuse like a pipeline without live control. */
    static final class Recorder implements StreamControl {
        final List<EncoderTargets> applied = new ArrayList<>();
        boolean unsupported;

        @Override
        public void setEncoderTargets(EncoderTargets t) {
            if (unsupported) {
                throw new UnsupportedOperationException("pipeline option3 cannot change its bitrate while running yet");
            }
            applied.add(t);
        }

        @Override public void requestKeyframe() {}
        @Override public void toggleLayout() {}
        @Override public void restart() {}
    }

    ThermalConfig config(double stepIntervalS) {
        return new ThermalConfig(true, tmp.resolve("temp"), 2, 75, 68, stepIntervalS, 4, 30);
    }

    void temperature(double celsius) throws IOException {
        Files.writeString(tmp.resolve("temp"), Math.round(celsius * 1000) + "\n");
    }

    @Test
    void ladderLowersBitrateFirstThenFrameRate() {
        ThrottleLadder l = new ThrottleLadder(BASE, 4, 30);
        assertEquals(List.of(BASE, new EncoderTargets(9, 9, 72), new EncoderTargets(6.75, 6.75, 72),
                new EncoderTargets(5.06, 5.06, 72), new EncoderTargets(4, 4, 72), new EncoderTargets(4, 4, 54),
                new EncoderTargets(4, 4, 41), new EncoderTargets(4, 4, 31), new EncoderTargets(4, 4, 30)), l.steps());
        // An eye configured below the minimum is never raised; the other still steps down.
        ThrottleLadder uneven = new ThrottleLadder(new EncoderTargets(3, 8, 30), 4, 30);
        assertEquals(List.of(new EncoderTargets(3, 8, 30), new EncoderTargets(3, 6, 30), new EncoderTargets(3, 4.5, 30),
                new EncoderTargets(3, 4, 30)), uneven.steps());
    }

    @Test
    void risingThenFallingTemperatureStepsBitrateDownAndBackUpWithHysteresis() throws Exception {
        Recorder r = new Recorder();
        ThermalGovernor g = new ThermalGovernor(config(0), BASE, r, clock::get);
        List<Double> leftBitrate = new ArrayList<>();
        List<Integer> fps = new ArrayList<>();
        // Warm, hot for a while, in the band, cool.
        double[] temps = {50, 74.9, 75, 79, 82, 83, 83, 80, 74, 70, 68.5, 68, 66, 64, 62, 60, 58, 56, 55, 55};
        for (double t : temps) {
            temperature(t);
            clock.addAndGet(2000);
            g.poll();
            leftBitrate.add(g.status().targetBitrateMbps().get("left"));
            fps.add(g.status().targetFps());
        }
        assertEquals(List.of(12.0, 12.0, 9.0, 6.75, 5.06, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 5.06, 6.75, 9.0,
                12.0, 12.0, 12.0, 12.0), leftBitrate);
        assertEquals(List.of(72, 72, 72, 72, 72, 72, 54, 41, 41, 41, 41, 54, 72, 72, 72, 72, 72, 72, 72, 72), fps,
                "frame rate only after the bitrate is at its minimum; 74..68.5 °C holds (hysteresis)");
        assertEquals(BASE, r.applied.get(r.applied.size() - 1), "back to the configured stream");
        assertEquals(12, r.applied.size(), "one call per step: 6 down, 6 up");
        ThermalGovernor.Status s = g.status();
        assertEquals("normal", s.state());
        assertEquals(55.0, s.temperatureC());
        assertEquals(6, s.stepsDown());
        assertEquals(6, s.stepsUp());
        assertTrue(s.applied());
    }

    @Test
    void stepsNoFasterThanTheStepInterval() throws Exception {
        Recorder r = new Recorder();
        ThermalGovernor g = new ThermalGovernor(config(10), BASE, r, clock::get);
        temperature(90);
        for (int i = 0; i < 11; i++) { // 0, 2, ... 20 s
            g.poll();
            clock.addAndGet(2000);
        }
        assertEquals(List.of(BASE.leftMbps() * 0.75, 6.75, 5.06), r.applied.stream().map(EncoderTargets::leftMbps).toList(),
                "steps at 0, 10 and 20 s only");
        assertEquals("throttled", g.status().state());
    }

    @Test
    void aPipelineWithoutLiveControlIsReportedNotHidden() throws Exception {
        Recorder r = new Recorder();
        r.unsupported = true;
        ThermalGovernor g = new ThermalGovernor(config(0), BASE, r, clock::get);
        temperature(80);
        g.poll();
        ThermalGovernor.Status s = g.status();
        assertEquals(1, s.level());
        assertFalse(s.applied());
        assertEquals("pipeline option3 cannot change its bitrate while running yet", s.detail());
    }

    @Test
    void unreadableSensorHoldsTheCurrentStepAndSaysWhy() throws Exception {
        Recorder r = new Recorder();
        ThermalGovernor g = new ThermalGovernor(config(0), BASE, r, clock::get);
        temperature(80);
        g.poll();
        Files.writeString(tmp.resolve("temp"), "hot\n");
        g.poll();
        ThermalGovernor.Status s = g.status();
        assertEquals("sensor_error", s.state());
        assertNull(s.temperatureC());
        assertEquals(1, s.level(), "no step on a bad reading");
        assertTrue(s.detail().contains("does not hold a temperature in millidegrees Celsius: \"hot\""), s.detail());
        Files.delete(tmp.resolve("temp"));
        g.poll();
        assertEquals("sensor_error", g.status().state());
        temperature(60);
        g.poll();
        assertEquals("normal", g.status().state());
        assertEquals(0, g.status().level());
    }

    @Test
    void disabledOnlyReports() throws Exception {
        Recorder r = new Recorder();
        ThermalConfig off = new ThermalConfig(false, tmp.resolve("temp"), 2, 75, 68, 0, 4, 30);
        ThermalGovernor g = new ThermalGovernor(off, BASE, r, clock::get);
        temperature(95);
        g.poll();
        assertEquals("disabled", g.status().state());
        assertEquals(95.0, g.status().temperatureC());
        assertTrue(r.applied.isEmpty());
    }
}
