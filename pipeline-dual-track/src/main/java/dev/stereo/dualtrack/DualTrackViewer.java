package dev.stereo.dualtrack;

import dev.stereo.core.Eye;
import dev.stereo.core.StereoException;
import dev.stereo.core.ViewerSession;
import dev.stereo.core.gst.ForceKeyUnit;
import dev.stereo.core.gst.GstThread;
import dev.stereo.core.gst.WebRtcPeer;
import dev.stereo.core.sdp.SdpOffer;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.BufferFlags;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Clock;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.freedesktop.gstreamer.webrtc.WebRTCBin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One option2 viewer: a small GStreamer pipeline of its own, per eye
 * {@code appsrc (H.264 byte-stream, one access unit per buffer) → rtph264pay → webrtcbin}, left eye
 * on {@code sink_0}. The encoded access units are pushed as they are: no decoder or encoder is
 * anywhere in this pipeline.
 *
 * <p>Per eye a sender thread takes units from this viewer's {@link AccessUnitBroadcaster}
 * subscription and pushes them into the appsrc, which blocks when the viewer's network path is
 * slower than the stream: then only this viewer's queue fills, and the broadcaster makes it skip
 * to the next IDR. PLI/FIR from the browser reach the appsrc as force-key-unit events and become
 * keyframe requests to the Java encoder of that eye (rate-limited there).
 *
 * <p>A viewer's own pipeline (rather than branches in a shared one) means a stuck or failing
 * viewer's state changes never touch anyone else. Ownership: owned by {@link DualTrackPipeline};
 * it owns its pipeline, elements, probes, callbacks and sender threads. State changes and
 * dispose run on the Gst executor; {@link #close()} is idempotent and callable from any thread.
 */
final class DualTrackViewer implements ViewerSession {

    private static final Logger LOG = LoggerFactory.getLogger(DualTrackViewer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String H264_CAPS = "video/x-h264,stream-format=byte-stream,alignment=au";

    private final DualTrackPipeline owner;
    private final SdpOffer offer;
    private final List<DualTrackPipeline.Track> tracks;
    private final String id;
    private final WebRtcPeer peer;
    private final List<Consumer<ViewerSession>> closeListeners = new CopyOnWriteArrayList<>();
    private final List<Sender> senders = new ArrayList<>();
    private final List<Object> keepAlive = new ArrayList<>(); // probes and callbacks: GC would unhook them
    private Pipeline pipeline;
    private WebRTCBin webrtc;
    private String answer;
    private volatile boolean closed;
    /** running time − {@link System#nanoTime()}, fixed once for all eyes; MIN_VALUE = not yet. */
    private long nanoTimeToRunning = Long.MIN_VALUE;

    /** One eye of this viewer: appsrc, payloader, subscription, sender thread. */
    final class Sender {
        final DualTrackPipeline.Track track;
        final AppSrc appsrc;
        final Element payloader;
        volatile AccessUnitBroadcaster.Subscription subscription;
        Thread thread;
        final AtomicLong pushed = new AtomicLong();
        long lastPts = -1;

        Sender(DualTrackPipeline.Track track, AppSrc appsrc, Element payloader) {
            this.track = track;
            this.appsrc = appsrc;
            this.payloader = payloader;
        }

        private void run() {
            try {
                // Nothing flows through webrtcbin before ICE and DTLS are up, so units taken
                // earlier would only pile up and reach the browser late. Subscribing once connected
                // makes the first unit a fresh IDR (the subscription asks for one).
                while (!closed && !peer.isConnected()) {
                    Thread.sleep(5);
                }
                if (closed) {
                    return;
                }
                subscription = track.broadcaster.subscribe(owner.viewerQueueUnits());
                while (!closed) {
                    AccessUnit au = subscription.take(100, TimeUnit.MILLISECONDS);
                    if (au == null) {
                        continue;
                    }
                    FlowReturn ret = appsrc.pushBuffer(toBuffer(au));
                    if (ret == FlowReturn.OK) {
                        pushed.incrementAndGet();
                        // The appsrc hands the unit straight to the payloader (same thread).
                        owner.observer().frameSent(track.eye.key(), System.nanoTime() - au.captureNanos());
                    } else if (ret == FlowReturn.FLUSHING || ret == FlowReturn.EOS) {
                        return; // shutting down
                    } else {
                        LOG.debug("viewer {} {}: push returned {}", id, track.eye.key(), ret);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("viewer {} {} sender failed", id, track.eye.key(), e);
                    closeAsync();
                }
            }
        }

        /** The unit as a GStreamer buffer, timestamped with its capture instant in running time. */
        private Buffer toBuffer(AccessUnit au) {
            Buffer buffer = new Buffer(au.size());
            ByteBuffer bytes = buffer.map(true);
            bytes.put(au.data());
            buffer.unmap();
            long pts = runningTime(au.captureNanos());
            pts = Math.max(pts, lastPts + 1);
            lastPts = pts;
            buffer.setPresentationTimestamp(pts);
            buffer.setDecodeTimestamp(pts); // no B-frames: decode order is presentation order
            if (!au.isIdr()) {
                buffer.setFlags(EnumSet.of(BufferFlags.DELTA_UNIT));
            }
            return buffer;
        }

        /** Pipeline running time of a {@link System#nanoTime()} instant (same mapping for both eyes). */
        private long runningTime(long captureNanos) {
            long offset = nanoTimeToRunning();
            if (offset == Long.MIN_VALUE) {
                return lastPts + 1;
            }
            return Math.max(0, captureNanos + offset);
        }
    }

    /**
     * The offset from {@link System#nanoTime()} to this viewer's pipeline running time, measured
     * once and shared by both eyes: one capture instant then maps to one PTS, and (with the same
     * {@code timestamp-offset} on both payloaders) to one RTP timestamp, so the browser can pair
     * left and right frames. Called from the sender threads.
     */
    private synchronized long nanoTimeToRunning() {
        if (nanoTimeToRunning == Long.MIN_VALUE) {
            // Fixed once the pipeline plays (a live pipeline keeps its clock and base time).
            Clock clock = pipeline.getClock();
            if (clock != null) {
                nanoTimeToRunning = clock.getTime() - pipeline.getBaseTime() - System.nanoTime();
            }
        }
        return nanoTimeToRunning;
    }

    DualTrackViewer(DualTrackPipeline owner, SdpOffer offer, List<DualTrackPipeline.Track> tracks) {
        this.owner = owner;
        this.offer = offer;
        this.tracks = List.copyOf(tracks);
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        this.id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        this.peer = new WebRtcPeer(id);
    }

    /** Builds the viewer's pipeline and sets it playing. Runs on the Gst executor. */
    void build() {
        pipeline = new Pipeline("viewer-" + id);
        webrtc = peer.create();
        pipeline.add(webrtc);
        // One RTP timestamp base for both eyes (rtph264pay picks a random one per payloader).
        int timestampOffset = RANDOM.nextInt() & 0x7fffffff;
        for (DualTrackPipeline.Track t : tracks) {
            int index = t.eye.id();
            AppSrc src = (AppSrc) ElementFactory.make("appsrc", "src_" + t.eye.key());
            src.setCaps(Caps.fromString(H264_CAPS));
            src.set("is-live", true);
            src.setAsString("format", "time");
            src.set("do-timestamp", false);
            // Block (this viewer's sender thread only) rather than queue: the bounded, IDR-aware
            // queue is the subscription's, so a slow viewer skips to an IDR instead of lagging.
            src.set("block", true);
            src.setMaxBytes(0);
            src.setAsString("max-buffers", "2");
            int pt = offer.video().get(index).h264PayloadType();
            int ssrc = 1 + RANDOM.nextInt(Integer.MAX_VALUE - 1); // fixed here so the answer can name it
            Element pay = ElementFactory.make("rtph264pay", "pay_" + t.eye.key());
            pay.set("pt", pt);
            pay.set("ssrc", ssrc);
            pay.set("mtu", 1200);
            pay.set("aggregate-mode", 1); // zero-latency: SPS/PPS in one STAP-A with the IDR, no waiting
            pay.set("config-interval", 0); // parameter sets are in the stream (the broadcaster sees to it)
            pay.set("timestamp-offset", timestampOffset);
            pipeline.addMany(src, pay);
            src.link(pay);
            // sink_0 = left, sink_1 = right. Its transceiver is pinned to this payload type and
            // SSRC before the answer is made: nothing flows here until ICE is up, so webrtcbin
            // would otherwise answer from a caps query (the offer's first H.264 payload type, no
            // a=ssrc) and a browser would drop every packet.
            Pad sink = peer.requestTrackPad(pt, ssrc, t.eye.key());
            pay.getStaticPad("src").link(sink);
            // PLI/FIR: webrtcbin sends force-key-unit upstream; it ends at the appsrc, where the
            // Java encoder of this eye is asked for an IDR instead.
            Pad.PROBE keyframes = (pad, info) -> {
                if (info.getEvent() != null && ForceKeyUnit.isForceKeyUnit(info.getEvent())) {
                    owner.requestKeyframe(t.eye);
                    return PadProbeReturn.DROP;
                }
                return PadProbeReturn.OK;
            };
            src.getStaticPad("src").addProbe(PadProbeType.EVENT_UPSTREAM, keyframes);
            keepAlive.add(keyframes);
            senders.add(new Sender(t, src, pay));
        }
        Bus.ERROR onError = (source, code, message) -> {
            LOG.warn("viewer {}: error from {}: {}; closing", id, source.getName(), message);
            closeAsync();
        };
        pipeline.getBus().connect(onError);
        keepAlive.add(onError);
        pipeline.play();
    }

    /** Answers the offer (blocking; never on the Gst executor) and starts watching ICE. */
    void negotiate() throws StereoException {
        answer = peer.answer(offer, 5_000);
        peer.watch(reason -> {
            LOG.info("viewer {}: {}; closing", id, reason);
            closeAsync();
        });
    }

    /**
     * Starts the sender threads; each subscribes its eye (asking the encoder for an IDR) once the
     * viewer's ICE connection is up.
     */
    void startSending() {
        for (Sender s : senders) {
            s.thread = new Thread(s::run, "viewer-" + id.substring(0, 6) + "-" + s.track.eye.key());
            s.thread.setDaemon(true);
            s.thread.start();
        }
    }


    /** close() waits on the Gst executor, so from the executor (or a bus callback) it is handed off. */
    private void closeAsync() {
        Thread t = new Thread(this::close, "viewer-close-" + id.substring(0, 6));
        t.setDaemon(true);
        t.start();
    }

    // ---- package-private views for tests ----

    /** The viewer's pipeline (tests inspect its elements). */
    Pipeline pipeline() {
        return pipeline;
    }

    /** The appsrc of an eye (tests probe what leaves it). */
    AppSrc appsrc(Eye eye) {
        for (Sender s : senders) {
            if (s.track.eye == eye) {
                return s.appsrc;
            }
        }
        throw new IllegalArgumentException("no track for " + eye);
    }

    /** The eye's subscription (tests look at drops). */
    AccessUnitBroadcaster.Subscription subscription(Eye eye) {
        for (Sender s : senders) {
            if (s.track.eye == eye) {
                return s.subscription;
            }
        }
        throw new IllegalArgumentException("no track for " + eye);
    }

    /** Units pushed into the eye's appsrc so far. */
    long pushed(Eye eye) {
        for (Sender s : senders) {
            if (s.track.eye == eye) {
                return s.pushed.get();
            }
        }
        return 0;
    }

    /** This viewer's RTP/RTCP figures per eye, from its webrtcbin (cached for a second). */
    @Override
    public java.util.Map<String, dev.stereo.core.metrics.RtpSenderStats> senderStats() {
        return closed || webrtc == null ? java.util.Map.of() : peer.senderStatsByTrack(1000);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String answerSdp() {
        return answer;
    }

    @Override
    public void addRemoteCandidate(int mlineIndex, String candidate) {
        if (!closed && webrtc != null) {
            peer.addRemoteCandidate(mlineIndex, candidate);
        }
    }

    @Override
    public void onClosed(Consumer<ViewerSession> listener) {
        closeListeners.add(listener);
        if (closed) {
            listener.accept(this);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the senders, stops and disposes the pipeline, then tells the listeners. Idempotent;
     * any thread except the Gst executor's own callbacks (they use closeAsync).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        peer.stopWatching();
        for (Sender s : senders) {
            if (s.subscription != null) {
                s.subscription.close();
            }
        }
        Pipeline p = pipeline;
        if (p != null) {
            try {
                // NULL first: it unblocks a sender stuck in a full appsrc (push returns FLUSHING).
                GstThread.run(() -> {
                    p.setState(State.NULL);
                    p.getState(TimeUnit.SECONDS.toNanos(3));
                }, 5_000);
            } catch (StereoException e) {
                LOG.warn("viewer {} did not stop cleanly: {}", id, e.getMessage());
            }
        }
        for (Sender s : senders) {
            if (s.thread != null) {
                try {
                    s.thread.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (s.subscription != null) {
                s.subscription.close(); // one made just as we closed
            }
        }
        if (p != null) {
            try {
                GstThread.run(p::dispose, 5_000);
            } catch (StereoException e) {
                LOG.warn("viewer {} was not disposed: {}", id, e.getMessage());
            }
        }
        owner.viewerClosed(this);
        for (Consumer<ViewerSession> l : closeListeners) {
            try {
                l.accept(this);
            } catch (RuntimeException e) {
                LOG.warn("close listener of viewer {} failed", id, e);
            }
        }
    }
}
