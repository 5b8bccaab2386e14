package dev.stereo.dualtrack;

import dev.stereo.core.metrics.MediaObserver;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Fans one eye's encoded access units out to every viewer of that eye, without ever blocking
 * the producer (the encoder thread): each viewer has its own bounded queue.
 *
 * <p>Decodability rules, so that no viewer's decoder is fed a picture whose references it
 * never got:
 * <ul>
 *   <li>a new subscriber starts at an IDR, with SPS/PPS in front (the cached ones are prepended
 *       when the IDR lacks them); subscribing asks the encoder for an IDR;</li>
 *   <li>a subscriber whose queue is full drops that unit and everything after it until the
 *       next IDR it has room for; when it reads its queue empty again it asks for an IDR;</li>
 *   <li>a unit marked {@link AccessUnit#afterGap()} that is not an IDR sends every subscriber
 *       back to waiting for an IDR (and asks for one).</li>
 * </ul>
 * A subscriber that stops reading therefore costs one full queue of memory and nothing else.
 *
 * <p>Threads: {@link #publish} from one producer thread at a time; {@link #subscribe} and
 * everything on {@link Subscription} from any thread. The keyframe callback runs on the thread
 * that triggers it and must not block (it only flags the encoder).
 */
public final class AccessUnitBroadcaster {

    private final String name;
    private final Consumer<String> keyframeRequest;
    private volatile Runnable slowViewerDrop = () -> { };
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<Consumer<AccessUnit>> taps = new CopyOnWriteArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishedBytes = new AtomicLong();
    private volatile byte[] sps;
    private volatile byte[] pps;

    /**
     * @param name for logs ("left", "right")
     * @param keyframeRequest asks the encoder for an IDR; called on subscribe and on recovery
     */
    public AccessUnitBroadcaster(String name, Runnable keyframeRequest) {
        this(name, reason -> keyframeRequest.run());
    }

    /**
     * @param keyframeRequest asks the encoder for an IDR, with the reason: "join" on subscribe,
     *     "recovery" after an overflow or a gap (MediaObserver KEYFRAME_ constants)
     */
    public AccessUnitBroadcaster(String name, Consumer<String> keyframeRequest) {
        this.name = name;
        this.keyframeRequest = keyframeRequest;
    }

    /**
     * Called (on the producer thread, must not block) for every unit a subscriber that had
     * already started misses because it fell behind: its queue was full, or it is waiting for
     * the IDR that resumes it. The units a new subscriber skips before its first IDR are not drops.
     */
    public void onSlowViewerDrop(Runnable listener) {
        slowViewerDrop = listener;
    }

    public String name() {
        return name;
    }

    /**
     * A new viewer queue holding at most {@code capacity} access units. Its first unit will be an
     * IDR with SPS/PPS; an IDR is requested now.
     */
    public Subscription subscribe(int capacity) {
        Subscription s = new Subscription(capacity);
        subscriptions.add(s);
        keyframeRequest.accept(MediaObserver.KEYFRAME_JOIN);
        return s;
    }

    /**
     * Hands {@code au} to every subscriber. Never blocks: a full queue drops the unit for that
     * subscriber only. Producer thread.
     */
    public synchronized void publish(AccessUnit au) {
        published.incrementAndGet();
        publishedBytes.addAndGet(au.size());
        byte[] s = au.nalPayload(NalUnit.SPS);
        if (s != null) {
            sps = s;
        }
        byte[] p = au.nalPayload(NalUnit.PPS);
        if (p != null) {
            pps = p;
        }
        for (Consumer<AccessUnit> tap : taps) {
            tap.accept(au);
        }
        if (au.afterGap() && !au.isIdr()) {
            boolean any = false;
            for (Subscription sub : subscriptions) {
                any |= sub.restartAtIdr();
            }
            if (any) {
                keyframeRequest.accept(MediaObserver.KEYFRAME_RECOVERY);
            }
        }
        AccessUnit start = null; // the IDR with parameter sets, made once for all who need it
        for (Subscription sub : subscriptions) {
            if (sub.waiting && au.isIdr() && !au.isSelfContainedStart() && start == null) {
                start = startingUnit(au);
            }
            sub.offer(au, start);
        }
    }

    private AccessUnit startingUnit(AccessUnit idr) {
        byte[] s = sps;
        byte[] p = pps;
        if (s == null || p == null) {
            return null; // cannot start anyone here: no parameter sets seen yet
        }
        return idr.withParameterSets(s, p);
    }

    /** Subscribers currently attached. */
    public int subscribers() {
        return subscriptions.size();
    }

    /** Access units published so far. */
    public long published() {
        return published.get();
    }

    public long publishedBytes() {
        return publishedBytes.get();
    }

    /** Latest SPS payload seen (no start code), or null. */
    public byte[] sps() {
        return sps;
    }

    /** Latest PPS payload seen (no start code), or null. */
    public byte[] pps() {
        return pps;
    }

    /**
     * Sees every published unit, on the producer thread, before the subscribers do (tests,
     * byte counters). Must be quick and must not block.
     */
    void tap(Consumer<AccessUnit> listener) {
        taps.add(listener);
    }

    /**
     * One viewer's queue for one eye. The viewer's sender thread takes units from it; the
     * broadcaster fills it. Close it when the viewer goes away.
     */
    public final class Subscription implements AutoCloseable {

        private final ArrayBlockingQueue<AccessUnit> queue;
        /** Written by the producer only; read by the consumer to decide when to ask for an IDR. */
        private volatile boolean waiting = true;
        private volatile boolean askedSinceWaiting = true; // subscribe() already asked
        private volatile boolean closed;
        private boolean started; // producer thread only: a first IDR was queued
        private final AtomicLong delivered = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong overflows = new AtomicLong();

        private Subscription(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
            }
            queue = new ArrayBlockingQueue<>(capacity);
        }

        /** Producer thread. {@code start} is {@code au} with SPS/PPS prepended, when it needed them. */
        private void offer(AccessUnit au, AccessUnit start) {
            if (closed) {
                return;
            }
            if (waiting) {
                AccessUnit first = au.isSelfContainedStart() ? au : au.isIdr() ? start : null;
                if (first != null && queue.offer(first)) {
                    waiting = false;
                    started = true;
                    delivered.incrementAndGet();
                } else {
                    dropped.incrementAndGet();
                    if (started) {
                        slowViewerDrop.run();
                    }
                }
                return;
            }
            if (queue.offer(au)) {
                delivered.incrementAndGet();
            } else {
                // Units already queued still decode; what follows cannot until the next IDR.
                dropped.incrementAndGet();
                slowViewerDrop.run();
                overflows.incrementAndGet();
                waiting = true;
                askedSinceWaiting = false;
            }
        }

        /** Producer thread: data was lost upstream. Returns true if this one was not yet waiting. */
        private boolean restartAtIdr() {
            if (closed || waiting) {
                return false;
            }
            waiting = true;
            started = false; // what it misses until the next IDR is lost upstream, not its own lag
            askedSinceWaiting = true; // publish() asks once for everyone
            return true;
        }

        /**
         * The next unit, waiting at most {@code timeout}; null on timeout or when closed. When
         * the queue has run dry while waiting for an IDR (the viewer is reading again after a
         * stall), asks the encoder for one.
         */
        public AccessUnit take(long timeout, TimeUnit unit) throws InterruptedException {
            if (closed) {
                return null;
            }
            askIfRecovering();
            return queue.poll(timeout, unit);
        }

        /** The next unit if one is queued, else null. Never blocks. */
        public AccessUnit poll() {
            if (closed) {
                return null;
            }
            askIfRecovering();
            return queue.poll();
        }

        private void askIfRecovering() {
            if (waiting && !askedSinceWaiting && queue.isEmpty()) {
                askedSinceWaiting = true;
                keyframeRequest.accept(MediaObserver.KEYFRAME_RECOVERY);
            }
        }

        /** True until the next IDR has been queued (at start and after an overflow or a gap). */
        public boolean isWaitingForIdr() {
            return waiting;
        }

        /** Units queued for this subscriber so far. */
        public long delivered() {
            return delivered.get();
        }

        /** Units this subscriber missed (full queue, or waiting for an IDR). */
        public long dropped() {
            return dropped.get();
        }

        /** Times the queue was full and the subscriber fell back to waiting for an IDR. */
        public long overflows() {
            return overflows.get();
        }

        /** Units currently queued. */
        public int queued() {
            return queue.size();
        }

        public boolean isClosed() {
            return closed;
        }

        /** Detaches from the broadcaster and drops anything queued. Idempotent, any thread. */
        @Override
        public void close() {
            closed = true;
            subscriptions.remove(this);
            queue.clear();
        }
    }
}
