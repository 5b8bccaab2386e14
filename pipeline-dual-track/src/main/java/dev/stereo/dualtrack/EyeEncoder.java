package dev.stereo.dualtrack;

import dev.stereo.core.Eye;
import dev.stereo.core.metrics.MediaObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One eye's encoder thread: takes the newest raw frame from the eye's {@link FrameMailbox},
 * forces an IDR when {@link KeyframeRequests} says so, encodes, and publishes each access unit
 * to the eye's {@link AccessUnitBroadcaster}.
 *
 * <p>Ownership: owns the {@link FfmpegEncoder} from construction on and frees it in
 * {@link #close()} after its thread has stopped, so native structs are never freed under a
 * running encode. An encoder error ends the thread and is reported once through
 * {@code onError}; frames are then no longer encoded (no silent black stream: the pipeline
 * reports state "error").
 */
final class EyeEncoder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EyeEncoder.class);

    private final Eye eye;
    private final FfmpegEncoder encoder;
    private final FrameMailbox mailbox;
    private final KeyframeRequests keyframes;
    private final AccessUnitBroadcaster out;
    private final Consumer<EncoderException> onError;
    private final Supplier<MediaObserver> observer;
    private long reportedDelivered; // encoder thread: mailbox counts already reported
    private long reportedDropped;
    private final AtomicLong framesEncoded = new AtomicLong();
    private volatile boolean running;
    private volatile boolean alive;
    private Thread thread;
    private long originNanos = Long.MIN_VALUE;
    private long lastPts = -1;

    EyeEncoder(Eye eye, FfmpegEncoder encoder, FrameMailbox mailbox, KeyframeRequests keyframes,
               AccessUnitBroadcaster out, Consumer<EncoderException> onError) {
        this(eye, encoder, mailbox, keyframes, out, onError, () -> MediaObserver.NONE);
    }

    /**
     * @param observer where frames captured (taken or dropped by the mailbox), frames the mailbox
     *     dropped because the encoder was busy, encode times and keyframes go; asked on each frame
     */
    EyeEncoder(Eye eye, FfmpegEncoder encoder, FrameMailbox mailbox, KeyframeRequests keyframes,
               AccessUnitBroadcaster out, Consumer<EncoderException> onError, Supplier<MediaObserver> observer) {
        this.observer = observer;
        this.eye = eye;
        this.encoder = encoder;
        this.mailbox = mailbox;
        this.keyframes = keyframes;
        this.out = out;
        this.onError = onError;
    }

    void start() {
        running = true;
        alive = true;
        thread = new Thread(this::loop, "encoder-" + eye.key());
        thread.setDaemon(true);
        thread.start();
    }

    CodecChoice choice() {
        return encoder.choice();
    }

    long framesEncoded() {
        return framesEncoded.get();
    }

    /** The encoder this eye has had since {@link #start()} (tests: it is never reopened). */
    FfmpegEncoder ffmpeg() {
        return encoder;
    }

    /** True while the encoder is open and its thread runs. */
    boolean isAlive() {
        return alive;
    }

    private void loop() {
        Consumer<AccessUnit> publish = au -> {
            if (au.isIdr()) {
                observer.get().keyframeProduced(eye.key(), keyframes.keyframeProduced());
            }
            framesEncoded.incrementAndGet();
            out.publish(au);
        };
        try {
            while (running) {
                FrameMailbox.RawFrame f = mailbox.take(100);
                reportMailbox();
                if (f == null) {
                    continue;
                }
                try {
                    long start = System.nanoTime();
                    encoder.encode(f.i420, pts(f.captureNanos), f.captureNanos, f.captureEpochMs,
                            keyframes.takeForce(), publish);
                    observer.get().encodeDuration(eye.key(), System.nanoTime() - start);
                } finally {
                    mailbox.release(f);
                }
            }
        } catch (EncoderException e) {
            alive = false;
            LOG.error("{} eye encoder failed: {}", eye.key(), e.getMessage());
            onError.accept(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            alive = false;
            LOG.error("{} eye encoder thread failed", eye.key(), e);
            onError.accept(new EncoderException(encoder.choice().codec() + " (" + eye.key() + " eye) failed: " + e));
        }
    }

    /**
     * Reports what the mailbox saw since the last call: every frame the source posted was
     * captured; those replaced before the encoder took them were dropped because it was busy.
     */
    private void reportMailbox() {
        long delivered = mailbox.delivered();
        long dropped = mailbox.dropped();
        MediaObserver o = observer.get();
        for (long i = reportedDelivered + reportedDropped; i < delivered + dropped; i++) {
            o.frameCaptured(eye.key());
        }
        o.framesDropped(eye.key(), MediaObserver.DROP_ENCODER_BUSY, dropped - reportedDropped);
        reportedDelivered = delivered;
        reportedDropped = dropped;
    }

    /**
     * Frame number in 1/fps units from the capture time: rate control sees real time (skipped
     * frames leave gaps), and it always increases.
     */
    private long pts(long captureNanos) {
        if (originNanos == Long.MIN_VALUE) {
            originNanos = captureNanos;
        }
        long fps = encoder.settings().fps();
        long pts = Math.round((captureNanos - originNanos) * (double) fps / 1e9);
        pts = Math.max(pts, lastPts + 1);
        lastPts = pts;
        return pts;
    }

    /** Stops the thread, then frees the encoder. Idempotent. */
    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                // Freeing the codec under a running encode would crash the JVM: leak it instead.
                LOG.warn("{} eye encoder thread did not stop; leaving its encoder open", eye.key());
                return;
            }
        }
        alive = false;
        encoder.close();
    }
}
