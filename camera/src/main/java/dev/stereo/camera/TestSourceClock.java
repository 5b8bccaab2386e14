package dev.stereo.camera;

import java.util.concurrent.locks.LockSupport;

/**
 * The frame clock of the built-in test source: one tick per frame slot, and one shared capture
 * instant per tick for <em>both</em> eyes.
 *
 * <p>Who calls: the single test-source driver thread, in a loop: {@link #awaitNext()}, render the
 * left and right scenes for {@link Tick#frameIndex()}, stamp both with the same
 * {@link Tick#epochMs()}, hand both frames to the encoders. Reading the wall clock once per tick
 * (instead of once per eye) is what makes the probe's stereo skew zero by construction, so any skew
 * the receiver measures comes from the pipeline.
 *
 * <p>Scheduling: slot {@code n} is due at {@code origin + n·10⁹/fps} ns on the monotonic clock, with
 * the origin taken at the first tick, so rounding never accumulates into drift. A driver that falls
 * more than a whole frame behind (a GC pause, a starved core) does not burst to catch up: it skips
 * to the slot that contains "now", and the gap shows in {@link Tick#missedFrames()} and in the frame
 * index (scene motion stays true to wall time).
 *
 * <p>Not thread-safe: one driver thread owns an instance. The constructor has no side effects.
 */
public final class TestSourceClock {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Where time comes from; injectable so tests run without sleeping. */
    public interface TimeSource {
        /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
        long nanoTime();

        /** Wall clock in epoch milliseconds, as {@link System#currentTimeMillis()}. */
        long currentTimeMillis();

        /** Blocks the calling thread for about {@code nanos} ns (> 0). */
        void sleepNanos(long nanos) throws InterruptedException;

        /** The real clocks. */
        static TimeSource system() {
            return SystemTime.INSTANCE;
        }
    }

    /**
     * One frame slot.
     *
     * @param frameIndex slot number since the first tick (0, 1, 2, … with gaps after missed slots);
     *     pass it to the scene renderer
     * @param epochMs wall-clock capture time for the probe stamp, read once for both eyes
     * @param monotonicNanos monotonic time of the same instant (for PTS and pacing)
     * @param missedFrames slots skipped just before this one because the driver was late
     */
    public record Tick(long frameIndex, long epochMs, long monotonicNanos, long missedFrames) {}

    private final int fps;
    private final TimeSource time;
    private boolean started;
    private long originNanos;
    private long nextIndex;

    /** A clock on the real system time. */
    public TestSourceClock(int fps) {
        this(fps, TimeSource.system());
    }

    /**
     * @param fps frames per second, 1–1000
     * @param time the clocks to read and the way to sleep
     */
    public TestSourceClock(int fps, TimeSource time) {
        if (fps < 1 || fps > 1000) {
            throw new IllegalArgumentException("fps must be in 1..1000, got " + fps);
        }
        if (time == null) {
            throw new IllegalArgumentException("time source is null");
        }
        this.fps = fps;
        this.time = time;
    }

    public int fps() {
        return fps;
    }

    /** Nominal frame interval (rounded down to whole ns; scheduling itself does not round). */
    public long frameIntervalNanos() {
        return NANOS_PER_SECOND / fps;
    }

    /**
     * Waits until the next frame slot is due and returns its tick. The first call returns at once
     * and defines the origin.
     *
     * @throws InterruptedException when the driver thread is interrupted while waiting (the clock
     *     stays consistent; the next call resumes the schedule)
     */
    public Tick awaitNext() throws InterruptedException {
        if (!started) {
            started = true;
            originNanos = time.nanoTime();
            nextIndex = 1;
            return new Tick(0, time.currentTimeMillis(), originNanos, 0);
        }
        long index = nextIndex;
        long due = originNanos + slotOffsetNanos(index);
        long now = time.nanoTime();
        while (now < due) {
            time.sleepNanos(due - now);
            now = time.nanoTime();
        }
        long epochMs = time.currentTimeMillis();
        long missed = 0;
        long current = slotAt(now - originNanos);
        if (current > index) {
            // More than a whole frame late: skip to the slot we are in rather than bursting.
            missed = current - index;
            index = current;
        }
        nextIndex = index + 1;
        return new Tick(index, epochMs, now, missed);
    }

    /** {@code n·10⁹/fps} without overflow for any realistic n. */
    private long slotOffsetNanos(long n) {
        return (n / fps) * NANOS_PER_SECOND + (n % fps) * NANOS_PER_SECOND / fps;
    }

    /** The slot containing {@code elapsed} ns after the origin: {@code floor(elapsed·fps/10⁹)}. */
    private long slotAt(long elapsed) {
        return (elapsed / NANOS_PER_SECOND) * fps + (elapsed % NANOS_PER_SECOND) * fps / NANOS_PER_SECOND;
    }

    private enum SystemTime implements TimeSource {
        INSTANCE;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            // parkNanos, not Thread.sleep: on JDK 17 sleep rounds sub-millisecond waits up to a
            // whole millisecond, which is a visible share of a 16 ms frame.
            LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
