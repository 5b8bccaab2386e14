package dev.stereo.web;

import dev.stereo.core.BadOfferException;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoException;
import dev.stereo.core.StereoPipeline;
import dev.stereo.core.ViewerSession;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * HTTP-behaviour stand-in for a pipeline: answers every offer with a fixed SDP. Only for testing
 * the web layer; the real pipelines are tested end to end elsewhere.
 */
final class FakePipeline implements StereoPipeline {

    static final String ANSWER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=sendonly\r\n"
            + "a=candidate:1 1 UDP 2130706431 127.0.0.1 50000 typ host\r\n";

    /** Offers containing this line are rejected as malformed. */
    static final String REJECT_MARKER = "a=x-reject";

    final List<FakeSession> sessions = new CopyOnWriteArrayList<>();
    volatile String state = "running";
    volatile RuntimeException crash;
    volatile StereoException refuse;
    /** Simulates ICE gathering time, during which connect() blocks. */
    volatile long connectDelayMs;

    @Override public String name() { return "fake"; }
    @Override public void start() {}

    @Override
    public ViewerSession connect(String offerSdp) throws StereoException {
        if (connectDelayMs > 0) {
            try {
                Thread.sleep(connectDelayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (crash != null) throw crash;
        if (refuse != null) throw refuse;
        if (offerSdp.contains(REJECT_MARKER)) {
            throw new BadOfferException("offer has no recvonly video m-line");
        }
        FakeSession s = new FakeSession(offerSdp);
        sessions.add(s);
        return s;
    }

    @Override
    public PipelineStatus status() {
        var eye = new PipelineStatus.EyeStatus("test", "x264enc", "no v4l2h264enc", 1280, 720, 60, 12.5, 42);
        return new PipelineStatus("fake", state, "dual-track", Map.of("left", eye, "right", eye),
                (int) sessions.stream().filter(s -> !s.isClosed()).count(), 2);
    }

    @Override public void close() { sessions.forEach(FakeSession::close); }

    FakeSession session(String id) {
        return sessions.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    static final class FakeSession implements ViewerSession {
        final String id = UUID.randomUUID().toString().replace("-", "");
        final String offer;
        final List<String> candidates = new CopyOnWriteArrayList<>();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile Consumer<ViewerSession> listener;

        FakeSession(String offer) { this.offer = offer; }

        @Override public String id() { return id; }
        @Override public String answerSdp() { return ANSWER; }
        @Override public void addRemoteCandidate(int mlineIndex, String candidate) { candidates.add(mlineIndex + "|" + candidate); }
        @Override public void onClosed(Consumer<ViewerSession> l) { listener = l; }
        @Override public boolean isClosed() { return closed.get(); }

        /** Fixed figures per eye, as a real peer's webrtcbin would report them. */
        @Override
        public Map<String, dev.stereo.core.metrics.RtpSenderStats> senderStats() {
            return closed.get() ? Map.of() : Map.of(
                    "left", new dev.stereo.core.metrics.RtpSenderStats(1, 100, 90_000, 2, 0.004, 0.001, 3, 1, 0),
                    "right", new dev.stereo.core.metrics.RtpSenderStats(2, 101, 91_000, 0, 0.003, 0.002, 0, 0, 0));
        }

        /** What an ICE failure looks like from the web layer: the session ends on its own. */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                Consumer<ViewerSession> l = listener;
                if (l != null) l.accept(this);
            }
        }
    }
}
