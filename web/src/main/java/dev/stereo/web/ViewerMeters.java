package dev.stereo.web;

import dev.stereo.core.ViewerSession;
import dev.stereo.core.metrics.MetricNames;
import dev.stereo.core.metrics.RtpSenderStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One viewer's series (RTP packets and bytes sent, packets lost, jitter, round-trip time, NACK,
 * PLI and FIR counts per track), read from {@link ViewerSession#senderStats()} on each scrape.
 * Tagged {@code viewer="<n>"}, a number given in join order, never the session id (which is a
 * capability: it lets anyone end the session). {@link #close()} removes every series, so the
 * registry holds only live viewers' series however many come and go.
 *
 * <p>Made on an HTTP thread when a viewer connects; closed on whichever thread sees it leave.
 */
final class ViewerMeters implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final long number;

    /**
     * @param tracks the tracks the viewer receives ("left" and "right", or "side-by-side")
     */
    ViewerMeters(MeterRegistry registry, String pipeline, long viewer, ViewerSession session, List<String> tracks) {
        this.registry = registry;
        this.number = viewer;
        for (String track : tracks) {
            String[] tags = {MetricNames.VIEWER, Long.toString(viewer), MetricNames.EYE, track,
                    MetricNames.PIPELINE, pipeline};
            counter(MetricNames.VIEWER_PACKETS_SENT, "RTP packets sent to the viewer", session, track, tags,
                    RtpSenderStats::packetsSent);
            counter(MetricNames.VIEWER_BYTES_SENT, "RTP bytes sent to the viewer", session, track, tags,
                    RtpSenderStats::bytesSent);
            counter(MetricNames.VIEWER_PACKETS_LOST, "Packets the viewer reports lost (RTCP receiver reports)",
                    session, track, tags, RtpSenderStats::packetsLost);
            counter(MetricNames.VIEWER_NACKS, "RTCP NACKs received from the viewer", session, track, tags,
                    RtpSenderStats::nackCount);
            counter(MetricNames.VIEWER_PLIS, "RTCP PLIs received from the viewer", session, track, tags,
                    RtpSenderStats::pliCount);
            counter(MetricNames.VIEWER_FIRS, "RTCP FIRs received from the viewer", session, track, tags,
                    RtpSenderStats::firCount);
            meters.add(Gauge.builder(MetricNames.VIEWER_JITTER, session, s -> value(s, track,
                            RtpSenderStats::jitterSeconds))
                    .description("Interarrival jitter the viewer reports").tags(tags).register(registry));
            meters.add(Gauge.builder(MetricNames.VIEWER_ROUND_TRIP, session, s -> value(s, track,
                            RtpSenderStats::roundTripSeconds))
                    .description("Round-trip time to the viewer from RTCP").tags(tags).register(registry));
        }
    }

    /** The number in this viewer's {@code viewer} tag. */
    long number() {
        return number;
    }

    private void counter(String name, String description, ViewerSession session, String track, String[] tags,
                         ToDoubleFunction<RtpSenderStats> f) {
        // 0 until the peer has figures: a counter that starts at NaN breaks rate().
        meters.add(FunctionCounter.builder(name, session, s -> zeroIfNaN(value(s, track, f)))
                .description(description).tags(tags).register(registry));
    }

    private static double value(ViewerSession session, String track, ToDoubleFunction<RtpSenderStats> f) {
        if (session.isClosed()) {
            return Double.NaN;
        }
        RtpSenderStats s = session.senderStats().get(track);
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    private static double zeroIfNaN(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** Removes this viewer's series from the registry. Idempotent, any thread. */
    @Override
    public synchronized void close() {
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }
}
