package dev.stereo.dualtrack;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands raw frames from a capture thread to one eye's encoder thread, newest wins: if the
 * encoder has not taken the previous frame yet, that frame is dropped rather than queued, so a
 * slow encoder costs frame rate, never latency. Frames come from a small pool of direct buffers,
 * so capture allocates nothing per frame.
 *
 * <p>Threads: one producer ({@link #acquire}, {@link #post}), one consumer ({@link #take},
 * {@link #release}); {@link #close()} from any thread.
 */
final class FrameMailbox implements AutoCloseable {

    /** One I420 frame buffer and when it was captured. */
    static final class RawFrame {
        final ByteBuffer i420;
        long captureNanos;
        long captureEpochMs;

        RawFrame(int bytes) {
            i420 = ByteBuffer.allocateDirect(bytes);
        }
    }

    private final int frameBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition posted = lock.newCondition();
    private final ArrayDeque<RawFrame> free = new ArrayDeque<>();
    private RawFrame full;
    private boolean closed;
    private long dropped;
    private long delivered;

    /**
     * @param frameBytes size of one frame
     * @param poolSize frames in the pool; 3 = one being filled, one waiting, one being encoded
     */
    FrameMailbox(int frameBytes, int poolSize) {
        this.frameBytes = frameBytes;
        for (int i = 0; i < poolSize; i++) {
            free.add(new RawFrame(frameBytes));
        }
    }

    int frameBytes() {
        return frameBytes;
    }

    /** Producer: a free frame to fill, or null when none is free (the frame is then skipped). */
    RawFrame acquire() {
        lock.lock();
        try {
            RawFrame f = free.poll();
            if (f == null) {
                dropped++;
            }
            return f;
        } finally {
            lock.unlock();
        }
    }

    /** Producer: offers a filled frame, replacing one the consumer has not taken yet. */
    void post(RawFrame frame) {
        lock.lock();
        try {
            if (closed) {
                free.add(frame);
                return;
            }
            if (full != null) {
                free.add(full);
                dropped++;
            }
            full = frame;
            posted.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Producer: gives back a frame it acquired but will not post. */
    void discard(RawFrame frame) {
        release(frame);
    }

    /** Consumer: the newest frame, waiting at most {@code timeoutMs}; null on timeout or close. */
    RawFrame take(long timeoutMs) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (full == null && !closed) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = posted.awaitNanos(nanos);
            }
            if (closed) {
                return null;
            }
            RawFrame f = full;
            full = null;
            delivered++;
            return f;
        } finally {
            lock.unlock();
        }
    }

    /** Consumer: returns a frame after encoding it. */
    void release(RawFrame frame) {
        lock.lock();
        try {
            free.add(frame);
        } finally {
            lock.unlock();
        }
    }

    /** Frames captured but never encoded (the encoder was busy). */
    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    long delivered() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the consumer; later posts are ignored. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            posted.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
