package dev.stereo.core;

import java.util.function.Consumer;

/**
 * One connected viewer (one WebRTC peer connection). Created by
 * {@link StereoPipeline#connect(String)}, owned by the pipeline; the web layer holds a handle and
 * calls {@link #close()} on WHEP DELETE. Closing is idempotent and may happen from any thread.
 */
public interface ViewerSession extends AutoCloseable {

    /** Opaque, URL-safe, unguessable id (used in the WHEP session URL). */
    String id();

    /** The complete answer SDP, with all local candidates. */
    String answerSdp();

    /**
     * Adds a remote ICE candidate from a trickle PATCH.
     * @param mlineIndex the m-line the candidate belongs to
     * @param candidate the candidate line without the "a=" prefix, e.g. "candidate:1 1 udp ..."
     */
    void addRemoteCandidate(int mlineIndex, String candidate);

    /** Called once, on an arbitrary thread, when the session ends for any reason (ICE failure, close). */
    void onClosed(Consumer<ViewerSession> listener);

    /**
     * This viewer's RTP/RTCP figures per sent track ("left", "right", or "side-by-side"), from its
     * WebRTC stats. May block briefly while the peer answers, so call it from a request thread
     * (a metrics scrape), never from a media thread; empty when closed or not known.
     */
    default java.util.Map<String, dev.stereo.core.metrics.RtpSenderStats> senderStats() {
        return java.util.Map.of();
    }

    boolean isClosed();

    @Override
    void close();
}
