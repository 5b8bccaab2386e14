package dev.stereo.core.gst;

import dev.stereo.core.BadOfferException;
import dev.stereo.core.StereoException;
import dev.stereo.core.metrics.RtpSenderStats;
import dev.stereo.core.metrics.WebRtcStatsParser;
import dev.stereo.core.sdp.SdpOffer;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.Promise;
import org.freedesktop.gstreamer.SDPMessage;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.webrtc.WebRTCBin;
import org.freedesktop.gstreamer.webrtc.WebRTCICEGatheringState;
import org.freedesktop.gstreamer.webrtc.WebRTCSDPType;
import org.freedesktop.gstreamer.webrtc.WebRTCSessionDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answering side of one viewer's peer connection, around a {@code webrtcbin}. Both pipelines
 * use it: they create the peer, put {@link #element()} into their graph, link one RTP payloader
 * per track into {@code sink_0}, {@code sink_1} (left first), then call {@link #answer}.
 *
 * <p>webrtcbin's own {@code set*Description} helpers interrupt their promise, so a rejected SDP
 * would go unnoticed; every call here uses its own {@link Promise} and checks the reply.
 *
 * <p>Ownership: the webrtcbin belongs to the bin it is added to; the pipeline that added it
 * removes it. This class holds the strong Java reference for as long as the viewer lives.
 * Thread-safety: {@link #answer} blocks and must not run on the Gst executor thread.
 */
public final class WebRtcPeer {

    private static final Logger LOG = LoggerFactory.getLogger(WebRtcPeer.class);

    /** GstWebRTCICEConnectionState values in enum order. */
    private static final String[] ICE_STATES =
            {"new", "checking", "connected", "completed", "failed", "disconnected", "closed"};

    private final String id;
    private WebRTCBin webrtc;
    private java.util.concurrent.ScheduledFuture<?> watcher; // guarded by this
    private java.util.Map<Long, RtpSenderStats> lastStats; // guarded by this
    private long lastStatsAt; // guarded by this
    private final java.util.Map<Long, String> trackBySsrc = new java.util.concurrent.ConcurrentHashMap<>();

    /** No side effects: the webrtcbin is made by {@link #create()}. */
    public WebRtcPeer(String id) {
        this.id = id;
    }

    /** Makes the webrtcbin (bundle on one transport, no STUN: the viewer is on the LAN). */
    public WebRTCBin create() {
        webrtc = (WebRTCBin) ElementFactory.make("webrtcbin", "webrtc-" + id);
        webrtc.set("bundle-policy", 3); // max-bundle: one ICE/DTLS transport for both eyes
        if (IceAgentSetup.apply(webrtc)) {
            LOG.debug("viewer {}: only loopback is up; gathering on 127.0.0.1", id);
        }
        return webrtc;
    }

    public WebRTCBin element() { return webrtc; }

    /**
     * Requests the next {@code sink_%u} pad for a track and pins its transceiver to H.264 with
     * {@code payloadType}. Without the preference webrtcbin answers with whatever payload type the
     * payloader's template allows (the offer's first H.264), which need not be the one we send,
     * and the browser then drops every packet. The SSRC is pinned too: with both tracks bundled
     * on one transport and one payload type, the browser can only demultiplex by the a=ssrc
     * lines of the answer, so they must name exactly the SSRC the payloader sends (set the
     * payloader's {@code ssrc} property to the same value). Call on the Gst executor before
     * {@link #answer}.
     */
    public Pad requestTrackPad(int payloadType, long ssrc) {
        return requestTrackPad(payloadType, ssrc, null);
    }

    /**
     * As {@link #requestTrackPad(int, long)}, and names the track for {@link #senderStatsByTrack}
     * ("left", "right", "side-by-side"); null names none.
     */
    public Pad requestTrackPad(int payloadType, long ssrc, String track) {
        if (track != null) {
            trackBySsrc.put(ssrc & 0xffffffffL, track);
        }
        Pad pad = webrtc.getRequestPad("sink_%u");
        PointerByReference transceiver = new PointerByReference();
        Libs.GOBJECT.g_object_get(Natives.getRawPointer(pad), "transceiver", transceiver, null);
        if (transceiver.getValue() != null) {
            Pointer caps = Libs.CORE.gst_caps_from_string("application/x-rtp,media=video,encoding-name=H264,"
                    + "clock-rate=90000,payload=" + payloadType + ",packetization-mode=(string)1,ssrc=(uint)" + ssrc);
            try {
                Libs.GOBJECT.g_object_set(transceiver.getValue(), "codec-preferences", caps, null);
                Libs.GOBJECT.g_object_set(transceiver.getValue(), "direction", SENDONLY, null);
            } finally {
                Libs.CORE.gst_mini_object_unref(caps);
                Libs.GOBJECT.g_object_unref(transceiver.getValue());
            }
        }
        return pad;
    }

    /**
     * Applies the remote offer, creates and applies the answer, waits for ICE gathering to end
     * and returns the answer SDP with all local candidates.
     *
     * @throws BadOfferException when webrtcbin rejects the offer or answers no usable m-line
     */
    public String answer(SdpOffer offer, long timeoutMs) throws StereoException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        SDPMessage remote = new SDPMessage();
        remote.parseBuffer(offer.text());
        WebRTCSessionDescription offerDesc = new WebRTCSessionDescription(WebRTCSDPType.OFFER, remote);
        // The description took the message (transfer full); the Java wrapper must not free it too.
        remote.disown();
        call("set-remote-description", offerDesc);

        // The answer lives inside the promise's reply; apply a copy made from its text so that
        // no native object is owned twice (the signal's GValue takes what it is given).
        String answerText;
        Promise create = new Promise();
        try {
            webrtc.emit("create-answer", null, create);
            create.waitResult();
            Structure reply = reply(create);
            failIfError(reply, "no answer could be made");
            Object answer = reply == null ? null : reply.getValue("answer");
            if (!(answer instanceof WebRTCSessionDescription d)) {
                throw new BadOfferException("no answer could be made for this offer");
            }
            // d is borrowed from the reply, which create.dispose() frees: Java must not free it again.
            d.disown();
            answerText = d.getSDPMessage().toString();
        } finally {
            create.dispose();
        }
        SDPMessage local = new SDPMessage();
        local.parseBuffer(answerText);
        WebRTCSessionDescription answerDesc = new WebRTCSessionDescription(WebRTCSDPType.ANSWER, local);
        local.disown(); // taken by the description, as above
        call("set-local-description", answerDesc);

        while (webrtc.getICEGatheringState() != WebRTCICEGatheringState.COMPLETE) {
            if (System.currentTimeMillis() > deadline) {
                LOG.warn("viewer {}: ICE gathering not complete after {} ms; answering with what we have", id,
                        timeoutMs);
                break;
            }
            sleep(5);
        }
        String sdp = webrtc.getLocalDescription().getSDPMessage().toString();
        checkAnswer(sdp, offer);
        return sdp;
    }

    /** A trickled remote candidate ("candidate:..." without "a="). Thread-safe. */
    public void addRemoteCandidate(int mlineIndex, String candidate) {
        webrtc.addIceCandidate(mlineIndex, candidate.startsWith("a=") ? candidate.substring(2) : candidate);
    }

    /**
     * Samples the ICE state every 500 ms on the Gst executor and calls {@code onGone} once, with
     * the reason, when the connection is gone for good (see {@link IceLiveness}). The callback
     * runs on the Gst executor: it must hand blocking work (closing the viewer) to another
     * thread. Stop with {@link #stopWatching()}.
     */
    public synchronized void watch(java.util.function.Consumer<String> onGone) {
        IceLiveness liveness = new IceLiveness(System.currentTimeMillis());
        watcher = org.freedesktop.gstreamer.Gst.getExecutor().scheduleWithFixedDelay(() -> {
            String reason = liveness.check(iceConnectionState(), System.currentTimeMillis());
            if (reason != null) {
                stopWatching();
                onGone.accept(reason);
            }
        }, 500, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Stops {@link #watch}; idempotent, any thread. */
    public synchronized void stopWatching() {
        if (watcher != null) {
            watcher.cancel(false);
            watcher = null;
        }
    }

    /**
     * The sender figures per SSRC from webrtcbin's {@code get-stats} (see {@link RtpSenderStats}),
     * at most {@code maxAgeMs} old: a scrape reads several figures of one viewer, and one
     * {@code get-stats} serves them all. Blocks until webrtcbin answers (it does on its own
     * thread), so never call it on the Gst executor; empty before {@link #create()}.
     */
    public synchronized java.util.Map<Long, RtpSenderStats> senderStats(long maxAgeMs) {
        long now = System.nanoTime();
        if (lastStats != null && now - lastStatsAt < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(maxAgeMs)) {
            return lastStats;
        }
        WebRTCBin bin = webrtc;
        if (bin == null) {
            return java.util.Map.of();
        }
        Promise p = new Promise();
        // A webrtcbin being torn down may never answer: expire the promise after a while so a
        // scrape cannot hang. The lock keeps expire() from racing with dispose().
        Object lock = new Object();
        boolean[] done = {false};
        java.util.concurrent.ScheduledFuture<?> guard = org.freedesktop.gstreamer.Gst.getExecutor().schedule(() -> {
            synchronized (lock) {
                if (!done[0]) {
                    p.expire();
                }
            }
        }, STATS_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            bin.emit("get-stats", null, p);
            if (p.waitResult() == org.freedesktop.gstreamer.PromiseResult.REPLIED) {
                Structure reply = reply(p);
                lastStats = reply == null ? java.util.Map.of() : WebRtcStatsParser.senderStats(reply.toString());
            } else {
                lastStats = java.util.Map.of();
            }
        } finally {
            synchronized (lock) {
                done[0] = true;
                guard.cancel(false);
                p.dispose();
            }
        }
        lastStatsAt = now;
        return lastStats;
    }

    /** {@link #senderStats} keyed by the track names given to {@link #requestTrackPad(int, long, String)}. */
    public java.util.Map<String, RtpSenderStats> senderStatsByTrack(long maxAgeMs) {
        java.util.Map<String, RtpSenderStats> out = new java.util.LinkedHashMap<>();
        senderStats(maxAgeMs).forEach((ssrc, stats) -> {
            String track = trackBySsrc.get(ssrc);
            if (track != null) {
                out.put(track, stats);
            }
        });
        return out;
    }

    /** True while ICE is connected or completed. */
    public boolean isConnected() {
        String ice = iceConnectionState();
        return ice.equals("connected") || ice.equals("completed");
    }

    /** "new", "checking", "connected", "completed", "failed", "disconnected" or "closed". */
    public String iceConnectionState() {
        Object state = webrtc.get("ice-connection-state");
        if (state instanceof Number n) {
            int i = n.intValue();
            return i >= 0 && i < ICE_STATES.length ? ICE_STATES[i] : "new";
        }
        return state == null ? "new" : state.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Emits a set-*-description action with its own promise. The signal's GValue takes the
     * description, so the Java wrapper must give up ownership first (as gst1-java-core's own
     * helpers do); otherwise it would be freed twice.
     */
    private Structure call(String signal, WebRTCSessionDescription description) throws BadOfferException {
        description.disown();
        Promise p = new Promise();
        try {
            webrtc.emit(signal, description, p);
            p.waitResult();
            Structure reply = reply(p);
            failIfError(reply, signal.startsWith("set-remote") ? "the offer was rejected"
                    : "the answer could not be applied");
            return reply;
        } finally {
            p.dispose();
        }
    }

    /** gst1-java-core's getReply() throws on a successful promise with no reply structure. */
    private static Structure reply(Promise p) {
        return Libs.CORE.gst_promise_get_reply(Natives.getRawPointer(p)) == null ? null : p.getReply();
    }

    /** How long {@link #senderStats} waits for webrtcbin before giving up (empty figures). */
    private static final long STATS_TIMEOUT_MS = 2000;

    /** GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY. */
    private static final int SENDONLY = 2;

    private interface CoreLib extends Library {
        Pointer gst_promise_get_reply(Pointer promise);

        Pointer gst_caps_from_string(String caps);

        void gst_mini_object_unref(Pointer object);
    }

    private interface GObjectLib extends Library {
        void g_object_get(Pointer object, String property, PointerByReference value, Pointer end);

        void g_object_set(Pointer object, String property, Pointer value, Pointer end);

        void g_object_set(Pointer object, String property, int value, Pointer end);

        void g_object_unref(Pointer object);
    }

    private static final class Libs {
        static final CoreLib CORE = Native.load("gstreamer-1.0", CoreLib.class);
        static final GObjectLib GOBJECT = Native.load("gobject-2.0", GObjectLib.class);
    }

    private static void failIfError(Structure reply, String what) throws BadOfferException {
        if (reply != null && reply.hasField("error")) {
            Object err = reply.getValue("error");
            throw new BadOfferException(what + ": " + err);
        }
    }

    /** A rejected m-line has port 0; the browser would then show no video with no error. */
    private static void checkAnswer(String sdp, SdpOffer offer) throws BadOfferException {
        int index = 0;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) {
                if (line.startsWith("m=video 0 ") && index < offer.video().size()) {
                    throw new BadOfferException("m-line " + index + " could not be answered with H.264");
                }
                index++;
            }
        }
    }

    private static void sleep(long ms) throws StereoException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StereoException("interrupted", e);
        }
    }
}
