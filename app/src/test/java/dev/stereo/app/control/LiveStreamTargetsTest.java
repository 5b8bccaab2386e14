package dev.stereo.app.control;

import dev.stereo.app.thermal.ThermalGovernor;
import dev.stereo.calibration.StereoConfig.ThermalConfig;
import dev.stereo.web.LiveStream;
import dev.stereo.web.StreamChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /api/stream sets the base thermal protection steps down from (a real governor, a fake thermal zone). */
class LiveStreamTargetsTest {

    @TempDir
    Path tmp;
    final AtomicLong clock = new AtomicLong();

    /** The pipeline side: records targets; refuses frame rate changes like a pipeline that cannot. */
    static final class Targets implements StreamControl {
        final List<EncoderTargets> applied = new CopyOnWriteArrayList<>();
        int runningFps = 60;

        @Override
        public void setEncoderTargets(EncoderTargets t) {
            if (t.fps() != runningFps) {
                throw new UnsupportedOperationException("option2 cannot change the frame rate while running");
            }
            applied.add(t);
        }

        @Override public void requestKeyframe() {}
        @Override public void toggleLayout() {}
        @Override public void restart() {}
    }

    ThermalGovernor governor(Targets pipeline) throws Exception {
        Files.writeString(tmp.resolve("temp"), "50000\n");
        ThermalConfig c = new ThermalConfig(true, tmp.resolve("temp"), 2, 75, 68, 0, 1, 30);
        return new ThermalGovernor(c, new EncoderTargets(4, 4, 60), pipeline, clock::get);
    }

    void temperature(ThermalGovernor g, double celsius) throws Exception {
        Files.writeString(tmp.resolve("temp"), Math.round(celsius * 1000) + "\n");
        clock.addAndGet(2000);
        g.poll();
    }

    @Test
    void theApiSetsTheBaseAndThermalStepsDownFromIt() throws Exception {
        Targets pipeline = new Targets();
        ThermalGovernor g = governor(pipeline);
        LiveStreamTargets live = new LiveStreamTargets(g);

        LiveStreamTargets.State s = live.apply(new StreamChange(8.0, 8.0, null));
        assertEquals(new EncoderTargets(8, 8, 60), pipeline.applied.get(0), "not throttled: the base as asked");
        assertEquals(8.0, s.base().bitrateMbps().get("left"));
        assertEquals(8.0, s.applied().bitrateMbps().get("right"));

        temperature(g, 80); // one step down from the new base
        assertEquals(new EncoderTargets(6, 6, 60), pipeline.applied.get(pipeline.applied.size() - 1));
        live.apply(new StreamChange(null, 2.0, null)); // hot: the new base is stepped down as far
        assertEquals(new EncoderTargets(6, 1.5, 60), pipeline.applied.get(pipeline.applied.size() - 1));
        assertEquals(1, live.state().thermalLevel());
        assertEquals(2.0, live.state().base().bitrateMbps().get("right"));

        temperature(g, 60); // cooled down: back to the API's base, not to the YAML's 4 Mbit/s
        assertEquals(new EncoderTargets(8, 2, 60), pipeline.applied.get(pipeline.applied.size() - 1));
    }

    @Test
    void aRefusedChangeChangesNothing() throws Exception {
        Targets pipeline = new Targets();
        ThermalGovernor g = governor(pipeline);
        LiveStreamTargets live = new LiveStreamTargets(g);
        LiveStream.Refused e = assertThrows(LiveStream.Refused.class, () -> live.apply(new StreamChange(9.0, 9.0, 30)));
        assertTrue(e.getMessage().contains("cannot change the frame rate"), e.getMessage());
        assertEquals(new EncoderTargets(4, 4, 60), g.base());
        assertEquals(60, live.state().applied().fps());
        assertEquals(4.0, live.state().applied().bitrateMbps().get("left"));
    }
}
