package dev.stereo.web;

import dev.stereo.core.BadOfferException;
import dev.stereo.core.StereoException;
import dev.stereo.core.StereoPipeline;
import dev.stereo.core.ViewerSession;
import dev.stereo.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The web layer's table of live viewer sessions (id → session) and the viewer cap.
 *
 * <p>Thread-safety: every method may be called from any HTTP thread, and the pipeline's
 * {@code onClosed} callbacks arrive on arbitrary threads. A slot is reserved <em>before</em>
 * {@link StereoPipeline#connect} (which blocks for ICE gathering), so concurrent offers can never
 * overshoot {@code maxViewers}; the slot is given back exactly once, when the session leaves the
 * table (DELETE, its {@code onClosed}, or {@link #closeAll()}) or when connect fails.
 *
 * <p>Ownership: sessions belong to the pipeline; this table only closes them on WHEP DELETE and on
 * shutdown, as the {@link ViewerSession} contract allows.
 */
final class SessionTable {

    private static final Logger log = LoggerFactory.getLogger(SessionTable.class);

    /** A live session and its offer's mids, needed to map trickled candidates to m-lines. */
    record Entry(ViewerSession session, List<String> offerMids) {}

    private final StereoPipeline pipeline;
    private final int maxViewers;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    /** Reserved (connect in progress) plus live sessions. */
    private final AtomicInteger slots = new AtomicInteger();
    private volatile boolean closed;
    private final MeterRegistry meters;
    /** Per-viewer series of live sessions, by session id; removed with the session. */
    private final Map<String, ViewerMeters> viewerMeters = new ConcurrentHashMap<>();
    private final AtomicLong viewerNumbers = new AtomicLong();

    SessionTable(StereoPipeline pipeline, int maxViewers) {
        this(pipeline, maxViewers, new SimpleMeterRegistry());
    }

    /**
     * Registers {@code stereo_viewers} and {@code stereo_viewer_sessions_total} on {@code meters}, and
     * each live viewer's own series ({@link ViewerMeters}) while it is in the table.
     */
    SessionTable(StereoPipeline pipeline, int maxViewers, MeterRegistry meters) {
        this.pipeline = pipeline;
        this.maxViewers = maxViewers;
        this.meters = meters;
        Gauge.builder(MetricNames.VIEWERS, sessions, Map::size)
                .description("Viewers currently connected")
                .tag(MetricNames.PIPELINE, pipeline.name()).register(meters);
        // Present at 0 from the start, so rate() and increase() work from the first scrape.
        outcome(MetricNames.CONNECTED, "none");
    }

    /** Counts one session attempt by outcome; reasons are a small fixed set (ApiError codes). */
    private void outcome(String outcome, String reason) {
        Counter.builder(MetricNames.VIEWER_SESSIONS)
                .description("Viewer session attempts by outcome (connected, failed, rejected) and reason")
                .tags(MetricNames.OUTCOME, outcome, MetricNames.REASON, reason)
                .register(meters);
    }

    private void count(String outcome, String reason) {
        Counter.builder(MetricNames.VIEWER_SESSIONS)
                .description("Viewer session attempts by outcome (connected, failed, rejected) and reason")
                .tags(MetricNames.OUTCOME, outcome, MetricNames.REASON, reason)
                .register(meters).increment();
    }

    /**
     * Asks the pipeline for a session answering {@code offerSdp} and records it. Blocks while the
     * pipeline gathers ICE candidates (a few seconds at most).
     *
     * @throws ApiError 503 at capacity or when the pipeline cannot take a viewer, 400 for a bad offer
     */
    Entry open(String offerSdp) {
        if (closed) {
            count(MetricNames.REJECTED, "shutting_down");
            throw ApiError.unavailable("shutting_down", "the server is shutting down");
        }
        try {
            reserveSlot();
        } catch (ApiError e) {
            count(MetricNames.REJECTED, "at_capacity");
            throw e;
        }
        boolean handedOver = false;
        try {
            ViewerSession session = pipeline.connect(offerSdp);
            Entry entry = new Entry(session, Collections.unmodifiableList(TrickleFragment.mids(offerSdp)));
            if (sessions.putIfAbsent(session.id(), entry) != null) {
                session.close();
                throw new IllegalStateException("pipeline returned a duplicate session id " + session.id());
            }
            handedOver = true; // from here the slot is released by remove()
            viewerMeters.put(session.id(), new ViewerMeters(meters, pipeline.name(),
                    viewerNumbers.incrementAndGet(), session, tracks()));
            session.onClosed(s -> remove(entry));
            // The session may have ended before the listener was attached, or we may be shutting down.
            if (session.isClosed()) {
                remove(entry);
            }
            if (closed) {
                remove(entry);
                session.close();
                count(MetricNames.REJECTED, "shutting_down");
                throw ApiError.unavailable("shutting_down", "the server is shutting down");
            }
            count(MetricNames.CONNECTED, "none");
            log.info("viewer {} connected ({} live)", session.id(), sessions.size());
            return entry;
        } catch (BadOfferException e) {
            count(MetricNames.REJECTED, "bad_offer");
            throw ApiError.badRequest("bad_offer", e.getMessage());
        } catch (StereoException e) {
            count(MetricNames.FAILED, "pipeline_unavailable");
            // The message is user-facing by contract (e.g. "pipeline is not running"); the
            // condition is usually temporary, hence 503 rather than 500.
            throw ApiError.unavailable("pipeline_unavailable", e.getMessage());
        } catch (RuntimeException e) {
            if (!(e instanceof ApiError)) {
                count(MetricNames.FAILED, "error");
            }
            throw e;
        } finally {
            if (!handedOver) {
                slots.decrementAndGet();
            }
        }
    }

    /** The tracks a viewer receives, as the per-viewer series name them. */
    private List<String> tracks() {
        return "side-by-side".equals(pipeline.status().layout()) ? List.of("side-by-side") : List.of("left", "right");
    }

    private void reserveSlot() {
        while (true) {
            int n = slots.get();
            if (n >= maxViewers) {
                throw ApiError.unavailable("at_capacity",
                        "all " + maxViewers + " viewer slots are in use; try again later");
            }
            if (slots.compareAndSet(n, n + 1)) {
                return;
            }
        }
    }

    Entry get(String id) {
        Entry entry = sessions.get(id);
        if (entry == null) {
            throw ApiError.notFound("no viewer session " + id);
        }
        return entry;
    }

    /** Removes the session from the table, frees its slot, then closes it (WHEP DELETE). */
    void close(String id) {
        Entry entry = get(id);
        remove(entry);
        entry.session().close();
    }

    /** Idempotent: frees the slot only for the call that actually removed the entry. */
    private void remove(Entry entry) {
        if (sessions.remove(entry.session().id(), entry)) {
            slots.decrementAndGet();
            ViewerMeters m = viewerMeters.remove(entry.session().id());
            if (m != null) {
                m.close();
            }
            log.info("viewer {} left ({} live)", entry.session().id(), sessions.size());
        }
    }

    /**
     * Each live viewer's RTP figures per track, keyed by the viewer number its series carry
     * (never the session id), for {@code /api/status}.
     */
    Map<String, Map<String, dev.stereo.core.metrics.RtpSenderStats>> rtpStats() {
        Map<String, Map<String, dev.stereo.core.metrics.RtpSenderStats>> out = new java.util.TreeMap<>();
        viewerMeters.forEach((id, m) -> {
            Entry e = sessions.get(id);
            if (e != null) {
                out.put(Long.toString(m.number()), e.session().senderStats());
            }
        });
        return out;
    }

    /** Live sessions, as reported in {@code /api/status}. */
    int size() {
        return sessions.size();
    }

    /** Refuses new sessions and closes every live one. Idempotent. */
    void closeAll() {
        closed = true;
        for (Entry entry : new ArrayList<>(sessions.values())) {
            remove(entry);
            try {
                entry.session().close();
            } catch (RuntimeException e) {
                log.warn("closing viewer {} failed", entry.session().id(), e);
            }
        }
    }
}
