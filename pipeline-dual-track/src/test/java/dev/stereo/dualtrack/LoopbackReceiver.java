package dev.stereo.dualtrack;

import dev.stereo.core.gst.GstThread;
import dev.stereo.core.gst.IceAgentSetup;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Promise;
import org.freedesktop.gstreamer.SDPMessage;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.webrtc.WebRTCBin;
import org.freedesktop.gstreamer.webrtc.WebRTCICEGatheringState;
import org.freedesktop.gstreamer.webrtc.WebRTCSDPType;
import org.freedesktop.gstreamer.webrtc.WebRTCSessionDescription;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A second, independent webrtcbin in the test JVM that plays the browser: offers two recvonly
 * H.264 video m-lines, takes the answer and receives RTP into fakesinks, counting packets per
 * track. Only for a loopback-only network namespace: ICE then runs on 127.0.0.1 and nothing else.
 */
final class LoopbackReceiver implements AutoCloseable {

    /** GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY */
    private static final int RECVONLY = 3;

    private final List<Object> keepAlive = new ArrayList<>();
    final AtomicLong[] packets = {new AtomicLong(), new AtomicLong()};
    private Pipeline pipeline;
    private WebRTCBin webrtc;

    /** Builds the receiver and returns its offer with all candidates. */
    String offer() throws Exception {
        GstThread.run(() -> {
            pipeline = new Pipeline("receiver");
            webrtc = (WebRTCBin) ElementFactory.make("webrtcbin", "receiver");
            webrtc.set("bundle-policy", 3);
            if (!IceAgentSetup.apply(webrtc)) {
                throw new IllegalStateException("LoopbackReceiver needs a loopback-only namespace");
            }
            pipeline.add(webrtc);
            Element.PAD_ADDED onPad = (element, pad) -> {
                Element sink = ElementFactory.make("fakesink", null);
                sink.set("sync", false);
                pipeline.add(sink);
                sink.syncStateWithParent();
                pad.link(sink.getStaticPad("sink"));
                int track = pad.getName().endsWith("0") ? 0 : 1;
                Pad.PROBE count = (p, info) -> {
                    packets[track].incrementAndGet();
                    return PadProbeReturn.OK;
                };
                sink.getStaticPad("sink").addProbe(PadProbeType.BUFFER, count);
                keepAlive.add(sink);
                keepAlive.add(count);
            };
            webrtc.connect(onPad);
            keepAlive.add(onPad);
            for (int i = 0; i < 2; i++) {
                webrtc.emit("add-transceiver", RECVONLY, Caps.fromString("application/x-rtp,media=video,"
                        + "encoding-name=H264,payload=102,clock-rate=90000,packetization-mode=(string)1,"
                        + "profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1"));
            }
            pipeline.play();
        }, 5_000);
        Promise create = new Promise();
        String text;
        try {
            webrtc.emit("create-offer", null, create);
            create.waitResult();
            Structure reply = create.getReply();
            WebRTCSessionDescription d = (WebRTCSessionDescription) reply.getValue("offer");
            d.disown(); // borrowed from the reply
            text = d.getSDPMessage().toString();
        } finally {
            create.dispose();
        }
        apply("set-local-description", WebRTCSDPType.OFFER, text);
        long deadline = System.currentTimeMillis() + 5_000;
        while (webrtc.getICEGatheringState() != WebRTCICEGatheringState.COMPLETE
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        return webrtc.getLocalDescription().getSDPMessage().toString();
    }

    /** Applies the sender's answer; ICE and DTLS then run on 127.0.0.1. */
    void accept(String answer) {
        apply("set-remote-description", WebRTCSDPType.ANSWER, answer);
    }

    private void apply(String signal, WebRTCSDPType type, String sdp) {
        SDPMessage message = new SDPMessage();
        message.parseBuffer(sdp);
        WebRTCSessionDescription desc = new WebRTCSessionDescription(type, message);
        message.disown(); // the description owns it
        desc.disown(); // the signal takes it
        Promise p = new Promise();
        try {
            webrtc.emit(signal, desc, p);
            p.waitResult();
        } finally {
            p.dispose();
        }
    }

    @Override
    public void close() throws Exception {
        Pipeline p = pipeline;
        if (p != null) {
            GstThread.run(() -> {
                p.setState(State.NULL);
                p.getState(TimeUnit.SECONDS.toNanos(3));
                p.dispose();
            }, 5_000);
        }
    }
}
