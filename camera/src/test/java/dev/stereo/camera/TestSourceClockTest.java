package dev.stereo.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestSourceClockTest {

    /** A fake clock: sleeping advances time exactly, plus an optional oversleep. */
    private static final class FakeTime implements TestSourceClock.TimeSource {
        long nanos = 5_000_000_000L;
        long epochOffsetMs = 1_767_225_600_000L - 5_000;
        long oversleep;
        int wallReads;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public long currentTimeMillis() {
            wallReads++;
            return epochOffsetMs + nanos / 1_000_000;
        }

        @Override
        public void sleepNanos(long n) {
            sleeps.add(n);
            nanos += n + oversleep;
        }
    }

    @Test
    void ticksAreEvenlySpacedWithoutDrift() throws Exception {
        FakeTime time = new FakeTime();
        TestSourceClock clock = new TestSourceClock(30, time);
        TestSourceClock.Tick first = clock.awaitNext();
        assertEquals(0, first.frameIndex());
        assertEquals(5_000_000_000L, first.monotonicNanos());
        TestSourceClock.Tick last = first;
        for (int i = 1; i <= 300; i++) {
            last = clock.awaitNext();
            assertEquals(i, last.frameIndex());
            assertEquals(0, last.missedFrames());
        }
        // 300 frames at 30 fps = exactly 10 s, although 1/30 s is not a whole number of ns
        assertEquals(first.monotonicNanos() + 10_000_000_000L, last.monotonicNanos());
        assertEquals(first.epochMs() + 10_000, last.epochMs());
    }

    @Test
    void wallClockIsReadOncePerTick() throws Exception {
        FakeTime time = new FakeTime();
        TestSourceClock clock = new TestSourceClock(60, time);
        for (int i = 0; i < 10; i++) {
            clock.awaitNext();
        }
        assertEquals(10, time.wallReads);
    }

    @Test
    void smallOversleepDoesNotAccumulate() throws Exception {
        FakeTime time = new FakeTime();
        time.oversleep = 2_000_000; // every sleep 2 ms late (a busy machine)
        TestSourceClock clock = new TestSourceClock(50, time);
        long origin = clock.awaitNext().monotonicNanos();
        TestSourceClock.Tick t = null;
        for (int i = 1; i <= 100; i++) {
            t = clock.awaitNext();
            assertEquals(0, t.missedFrames());
        }
        // each tick is 2 ms behind its slot, not 2 ms more behind each time
        assertEquals(origin + 100 * 20_000_000L + 2_000_000L, t.monotonicNanos());
    }

    @Test
    void lateDriverSkipsSlotsInsteadOfBursting() throws Exception {
        FakeTime time = new FakeTime();
        TestSourceClock clock = new TestSourceClock(25, time); // 40 ms slots
        clock.awaitNext();
        clock.awaitNext(); // slot 1 at 40 ms
        time.nanos += 130_000_000L; // the driver stalls: now 170 ms after the origin
        TestSourceClock.Tick t = clock.awaitNext();
        assertEquals(4, t.frameIndex(), "slot 4 [160, 200) ms contains now");
        assertEquals(2, t.missedFrames(), "slots 2 and 3 were skipped");
        int sleepsBefore = time.sleeps.size();
        TestSourceClock.Tick next = clock.awaitNext();
        assertEquals(5, next.frameIndex());
        assertEquals(0, next.missedFrames());
        assertEquals(sleepsBefore + 1, time.sleeps.size());
        assertEquals(30_000_000L, time.sleeps.get(time.sleeps.size() - 1), "waits for slot 5 at 200 ms");
    }

    @Test
    void realClockPacesRoughly() throws Exception {
        TestSourceClock clock = new TestSourceClock(200);
        long start = System.nanoTime();
        TestSourceClock.Tick t = null;
        for (int i = 0; i <= 10; i++) {
            t = clock.awaitNext();
        }
        // 10 intervals of 5 ms; only a lower bound (a loaded machine may be slower)
        assertTrue(System.nanoTime() - start >= 49_000_000L);
        assertTrue(t.frameIndex() >= 10);
        assertEquals(5_000_000L, clock.frameIntervalNanos());
    }

    @Test
    void interruptStopsTheWait() {
        TestSourceClock clock = new TestSourceClock(1);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> {
            clock.awaitNext();
            clock.awaitNext();
        });
        Thread.interrupted();
    }

    @Test
    void rejectsBadFps() {
        assertThrows(IllegalArgumentException.class, () -> new TestSourceClock(0));
        assertThrows(IllegalArgumentException.class, () -> new TestSourceClock(1001));
        assertThrows(IllegalArgumentException.class, () -> new TestSourceClock(30, null));
    }
}
