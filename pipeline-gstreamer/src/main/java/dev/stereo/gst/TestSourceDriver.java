package dev.stereo.gst;

import dev.stereo.camera.TestScene;
import dev.stereo.core.Eye;
import dev.stereo.core.probe.ProbeStamp;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Clock;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Feeds the test scene into the per-eye appsrc elements at the configured rate from one thread,
 * so that both eyes of a tick carry the same timestamp (the "one shared instant" the probe needs).
 * Each frame is rendered and stamped (PROBE.md) straight into the GStreamer buffer's memory: no
 * intermediate copy. The stamp is written before any geometry, which is why the test source's
 * frames are generated at the stream size and geometry is normally identity for it.
 *
 * <p>Lifecycle: {@link #start()} starts the thread; {@link #close()} stops and joins it. It does
 * not own the pipeline or the appsrcs (the pipeline does).
 */
final class TestSourceDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TestSourceDriver.class);

    private final Pipeline pipeline;
    private final Map<Eye, AppSrc> sources;
    private final int width;
    private final int height;
    private volatile int fps;
    private final Map<Eye, TestScene> scenes = new EnumMap<>(Eye.class);
    private volatile boolean running;
    private Thread thread;

    TestSourceDriver(Pipeline pipeline, Map<Eye, AppSrc> sources, int width, int height, int fps) {
        this.pipeline = pipeline;
        this.sources = sources;
        this.width = width;
        this.height = height;
        this.fps = fps;
    }

    /** Changes the tick rate from the next frame on (any thread); the caller changes the caps. */
    void setFps(int fps) {
        this.fps = fps;
    }

    void start() {
        for (Eye eye : sources.keySet()) {
            scenes.put(eye, new TestScene(eye, width, height));
        }
        running = true;
        thread = new Thread(this::loop, "test-source");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        int frameBytes = TestScene.frameBytes(width, height);
        long next = System.nanoTime();
        long frame = 0;
        Clock clock = pipeline.getClock();
        while (running) {
            long periodNanos = 1_000_000_000L / fps; // read per tick: setFps applies at once
            if (clock == null) {
                clock = pipeline.getClock();
            }
            long pts = clock == null ? 0 : Math.max(0, clock.getTime() - pipeline.getBaseTime());
            long captureEpochMs = System.currentTimeMillis(); // one instant for both eyes
            for (Map.Entry<Eye, AppSrc> e : sources.entrySet()) {
                Buffer buffer = new Buffer(frameBytes);
                ByteBuffer bytes = buffer.map(true);
                scenes.get(e.getKey()).render(bytes, frame);
                ProbeStamp.stampI420(bytes, width, height, captureEpochMs, e.getKey().id(), false);
                buffer.unmap();
                buffer.setPresentationTimestamp(pts);
                buffer.setDuration(periodNanos);
                FlowReturn ret = e.getValue().pushBuffer(buffer);
                if (ret != FlowReturn.OK && running) {
                    LOG.debug("test source push for {} returned {}", e.getKey().key(), ret);
                }
            }
            frame++;
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (wait < -periodNanos) {
                next = System.nanoTime(); // fell behind (machine busy): skip ahead, never burst
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
