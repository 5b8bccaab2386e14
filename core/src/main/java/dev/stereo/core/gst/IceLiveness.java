package dev.stereo.core.gst;

/**
 * Decides when a viewer's peer connection is gone for good, from its ICE connection state
 * sampled over time: "failed"/"closed" at once, "disconnected" after a grace period (Wi-Fi
 * hiccups recover), never connected within the connect timeout (a client that POSTed an offer
 * and vanished must not hold a viewer slot). Pure; one instance per viewer; not thread-safe
 * (sampled from one thread).
 */
public final class IceLiveness {

    /** A viewer that never completes ICE within this time is dropped, freeing its slot. */
    public static final long CONNECT_TIMEOUT_MS = 20_000;
    /** How long "disconnected" may last before the viewer is dropped. */
    public static final long DISCONNECTED_GRACE_MS = 5_000;

    private final long createdAtMs;
    private long disconnectedSinceMs;
    private boolean everConnected;

    public IceLiveness(long createdAtMs) {
        this.createdAtMs = createdAtMs;
    }

    /**
     * @param iceState the state as {@link WebRtcPeer#iceConnectionState()} reports it
     * @return null while the connection may still live, else why it is gone (for the log)
     */
    public String check(String iceState, long nowMs) {
        switch (iceState) {
            case "connected", "completed" -> {
                everConnected = true;
                disconnectedSinceMs = 0;
                return null;
            }
            case "failed", "closed" -> {
                return "ICE " + iceState;
            }
            case "disconnected" -> {
                if (disconnectedSinceMs == 0) {
                    disconnectedSinceMs = nowMs;
                    return null;
                }
                long gone = nowMs - disconnectedSinceMs;
                return gone > DISCONNECTED_GRACE_MS ? "disconnected for " + gone + " ms" : null;
            }
            default -> {
                return !everConnected && nowMs - createdAtMs > CONNECT_TIMEOUT_MS
                        ? "no ICE connection after " + CONNECT_TIMEOUT_MS + " ms" : null;
            }
        }
    }
}
