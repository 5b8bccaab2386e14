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

    boolean isClosed();

    @Override
    void close();
}
