package dev.stereo.dualtrack;

import dev.stereo.camera.TestScene;
import dev.stereo.camera.TestSourceClock;
import dev.stereo.core.Eye;
import dev.stereo.core.probe.ProbeStamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;

/**
 * The built-in test source for both eyes, from one thread: each tick of one
 * {@link TestSourceClock} renders the left and right {@link TestScene} and stamps both with the
 * same capture instant (PROBE.md), so any stereo skew a receiver measures is the pipeline's.
 * Frames go to each eye's {@link FrameMailbox}; the stamp is written before any encoder sees the
 * frame.
 *
 * <p>Lifecycle: {@link #start()} builds the scenes and starts the thread; {@link #close()} stops
 * and joins it. Holds no native resources.
 */
final class TestFrameSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TestFrameSource.class);

    /** Per-eye output size. */
    record Size(int width, int height) {}

    private final Map<Eye, FrameMailbox> mailboxes;
    private final Map<Eye, Size> sizes;
    private final int fps;
    private final Map<Eye, TestScene> scenes = new EnumMap<>(Eye.class);
    private final Map<Eye, Boolean> stampable = new EnumMap<>(Eye.class);
    private final Map<Eye, I420Flip> flippers = new EnumMap<>(Eye.class);
    /** Per eye {horizontal, vertical}, after rotation; replaced whole by {@link #flip}, read per frame. */
    private final Map<Eye, boolean[]> flips = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread thread;
    private volatile long missedTicks;

    TestFrameSource(Map<Eye, FrameMailbox> mailboxes, Map<Eye, Size> sizes, int fps) {
        this.mailboxes = mailboxes;
        this.sizes = sizes;
        this.fps = fps;
    }

    /**
     * Mirrors the eye's frames from the next tick on (any thread): the YAML's flips and 180 degree
     * rotation, as a camera's videoflip would. Applied before the probe stamp, so the stamp stays
     * readable.
     */
    void flip(Eye eye, boolean horizontal, boolean vertical) {
        flips.put(eye, new boolean[] {horizontal, vertical});
    }

    void start() {
        for (Eye eye : mailboxes.keySet()) {
            Size s = sizes.get(eye);
            scenes.put(eye, new TestScene(eye, s.width(), s.height()));
            flippers.put(eye, new I420Flip(s.width(), s.height()));
            boolean ok = s.width() >= ProbeStamp.MIN_CELL * ProbeStamp.CELLS;
            if (!ok) {
                LOG.warn("{} eye is {} px wide: too narrow for the latency probe, frames are not stamped",
                        eye.key(), s.width());
            }
            stampable.put(eye, ok);
        }
        running = true;
        thread = new Thread(this::loop, "test-source");
        thread.setDaemon(true);
        thread.start();
    }

    /** Ticks skipped because the thread was late (a busy machine). */
    long missedTicks() {
        return missedTicks;
    }

    private void loop() {
        TestSourceClock clock = new TestSourceClock(fps);
        try {
            while (running) {
                TestSourceClock.Tick tick = clock.awaitNext();
                missedTicks += tick.missedFrames();
                for (Map.Entry<Eye, FrameMailbox> e : mailboxes.entrySet()) {
                    Eye eye = e.getKey();
                    FrameMailbox box = e.getValue();
                    FrameMailbox.RawFrame f = box.acquire();
                    if (f == null) {
                        continue; // this eye's encoder is behind: skip its frame, never queue
                    }
                    Size s = sizes.get(eye);
                    scenes.get(eye).render(f.i420, tick.frameIndex());
                    boolean[] flip = flips.get(eye);
                    if (flip != null) {
                        flippers.get(eye).apply(f.i420, flip[0], flip[1]);
                    }
                    if (stampable.get(eye)) {
                        ProbeStamp.stampI420(f.i420, s.width(), s.height(), tick.epochMs(), eye.id(), false);
                    }
                    f.captureNanos = tick.monotonicNanos();
                    f.captureEpochMs = tick.epochMs();
                    box.post(f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("test source failed", e);
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
