package dev.stereo.gst;

import dev.stereo.core.StereoException;
import dev.stereo.core.ViewerSession;
import dev.stereo.core.gst.GstThread;
import dev.stereo.core.gst.WebRtcPeer;
import dev.stereo.core.sdp.SdpOffer;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.webrtc.WebRTCBin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One viewer of the option3 graph: per track a tee branch (leaky queue → rtph264pay) into the
 * viewer's own webrtcbin. The leaky queue is what keeps a stalled viewer from blocking the tee,
 * and with it the encoder and every other viewer.
 *
 * <p>Owned by {@link GraphPipeline}; the elements live in the pipeline's bin and are removed by
 * {@link #detach(Pipeline)} on the Gst executor when the viewer closes.
 */
final class GraphViewer implements ViewerSession {

    private static final Logger LOG = LoggerFactory.getLogger(GraphViewer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final GraphPipeline owner;
    private final SdpOffer offer;
    private final String id;
    private final WebRtcPeer peer;
    private final List<Consumer<ViewerSession>> closeListeners = new CopyOnWriteArrayList<>();
    private final List<Branch> branches = new ArrayList<>();
    private final List<Object> keepAlive = new ArrayList<>(); // probes and signal callbacks of the branches
    private WebRTCBin webrtc;
    private String answer;
    private volatile boolean closed;
    private volatile boolean negotiated;
    private final Pad.PROBE holdUntilNegotiated = (pad, info) ->
            negotiated ? PadProbeReturn.OK : PadProbeReturn.DROP;

    private static final class Branch {
        final Element tee;
        final Element queue;
        final Element payloader;
        Pad teePad;

        Branch(Element tee, Element queue, Element payloader) {
            this.tee = tee;
            this.queue = queue;
            this.payloader = payloader;
        }
    }

    GraphViewer(GraphPipeline owner, SdpOffer offer) {
        this.owner = owner;
        this.offer = offer;
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        this.id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        this.peer = new WebRtcPeer(id);
    }

    /** Builds and links this viewer's branches. Runs on the Gst executor. */
    void attach(Pipeline pipeline, List<GraphPipeline.Track> tracks) {
        webrtc = peer.create();
        pipeline.add(webrtc);
        webrtc.syncStateWithParent();
        // One RTP timestamp base for all tracks of this viewer (rtph264pay picks a random one per
        // payloader otherwise): both eyes of a capture instant carry the same PTS, so the browser
        // sees equal rtpTimestamps and can pair left and right frames.
        int timestampOffset = RANDOM.nextInt() & 0x7fffffff;
        for (GraphPipeline.Track t : tracks) {
            Element queue = ElementFactory.make("queue", "vq_" + id + "_" + t.index);
            queue.set("leaky", 2); // downstream: drop the oldest access unit, never block the tee
            queue.set("max-size-buffers", 30);
            queue.set("max-size-bytes", 0);
            queue.set("max-size-time", 0L);
            Element pay = ElementFactory.make("rtph264pay", "pay_" + id + "_" + t.index);
            pay.set("pt", offer.video().get(t.index).h264PayloadType());
            pay.set("mtu", 1200);
            pay.set("aggregate-mode", 1); // zero-latency: SPS/PPS in one STAP-A with the IDR
            pay.set("config-interval", 0); // h264parse already puts SPS/PPS before every IDR
            pay.set("timestamp-offset", timestampOffset);
            pipeline.addMany(queue, pay);
            queue.link(pay);
            long ssrc = RANDOM.nextInt() & 0xffffffffL;
            pay.set("ssrc", (int) ssrc);
            measure(t, queue);
            Pad sink = peer.requestTrackPad(offer.video().get(t.index).h264PayloadType(), ssrc, t.metricKey);
            pay.getStaticPad("src").link(sink);
            // Until the answer is applied webrtcbin has not linked its sink pads inside; a buffer
            // reaching them would return NOT_LINKED and stop the queue's thread for good. Caps
            // still flow (they carry the SSRC the answer must announce); buffers wait.
            pay.getStaticPad("src").addProbe(PadProbeType.BUFFER, holdUntilNegotiated);
            pay.syncStateWithParent();
            queue.syncStateWithParent();
            Branch b = new Branch(t.tee, queue, pay);
            b.teePad = t.tee.getRequestPad("src_%u");
            b.teePad.link(queue.getStaticPad("sink"));
            branches.add(b);
        }
    }

    /**
     * Reports each access unit that reaches this viewer's payloader (frames sent, capture-to-send)
     * and what its leaky queue drops ("slow_viewer"). Units held back before negotiation are not
     * sent, so they are not counted. Gst executor; the probe runs on the queue's thread.
     */
    private void measure(GraphPipeline.Track t, Element queue) {
        String key = t.metricKey;
        Pad.PROBE sent = (pad, info) -> {
            if (negotiated) {
                Long captured = t.captureByPts.get(info.getBuffer().getPresentationTimestamp());
                owner.observer().frameSent(key, captured == null || captured < 0 ? -1 : System.nanoTime() - captured);
            }
            return PadProbeReturn.OK;
        };
        queue.getStaticPad("src").addProbe(PadProbeType.BUFFER, sent);
        keepAlive.add(sent);
        keepAlive.add(LeakyQueueDrops.watch(queue,
                () -> owner.observer().framesDropped(key, dev.stereo.core.metrics.MediaObserver.DROP_SLOW_VIEWER, 1)));
    }

    /** This viewer's RTP/RTCP figures per track, from webrtcbin (cached for a second). */
    @Override
    public java.util.Map<String, dev.stereo.core.metrics.RtpSenderStats> senderStats() {
        return closed || webrtc == null ? java.util.Map.of() : peer.senderStatsByTrack(1000);
    }

    /** Lets buffers through to webrtcbin once the answer is applied. Runs on the Gst executor. */
    void feed() {
        negotiated = true;
        for (Branch b : branches) {
            b.payloader.getStaticPad("src").removeProbe(holdUntilNegotiated);
        }
    }

    /** Answers the offer (blocking, off the Gst executor) and starts watching ICE. */
    void negotiate() throws StereoException {
        answer = peer.answer(offer, 5_000);
        GstThread.run(this::feed, 5_000);
        peer.watch(reason -> {
            LOG.info("viewer {}: {}; closing", id, reason);
            closeAsync();
        });
    }

    /** close() waits on the Gst executor, so from the executor itself it must be queued. */
    private void closeAsync() {
        new Thread(this::close, "viewer-close-" + id).start();
    }

    /** Unlinks and removes the branches and the webrtcbin. Runs on the Gst executor. */
    void detach(Pipeline pipeline) {
        for (Branch b : branches) {
            if (b.teePad != null) {
                b.teePad.unlink(b.queue.getStaticPad("sink"));
                b.tee.releaseRequestPad(b.teePad);
            }
        }
        // webrtcbin first: until negotiated it blocks its sink pads, which would keep the queues'
        // streaming threads from stopping.
        if (webrtc != null) {
            webrtc.setState(State.NULL);
        }
        for (Branch b : branches) {
            b.payloader.setState(State.NULL);
            b.queue.setState(State.NULL);
            pipeline.removeMany(b.queue, b.payloader);
        }
        branches.clear();
        if (webrtc != null) {
            pipeline.remove(webrtc);
            webrtc = null;
        }
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

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        peer.stopWatching();
        owner.detach(this);
        for (Consumer<ViewerSession> l : closeListeners) {
            try {
                l.accept(this);
            } catch (RuntimeException e) {
                LOG.warn("close listener of viewer {} failed", id, e);
            }
        }
    }
}
