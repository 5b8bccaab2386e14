package dev.stereo.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import dev.stereo.core.metrics.MetricNames;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import static dev.stereo.web.BearerAuth.Access.TOKEN;

/**
 * {@code POST /api/client-stats}: the web client's periodic summary (fps, bitrate, jitter buffer,
 * decode time, loss per eye). The latest summary per client is kept for {@code /api/status}
 * ("clients") for a minute; at most {@link #MAX_CLIENTS} clients are kept, oldest dropped first,
 * so a misbehaving page cannot grow memory. Called on Jetty threads; thread-safe.
 */
final class ClientStatsResource {

    static final int MAX_CLIENTS = 16;
    static final long KEEP_MS = 60_000;

    private final ObjectMapper mapper;
    private final LongSupplier clock;
    private final Map<String, ObjectNode> latest = new LinkedHashMap<>(); // guarded by this

    ClientStatsResource(ObjectMapper mapper, LongSupplier clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/client-stats", this::post, TOKEN);
    }

    private void post(Context ctx) {
        RequestBodies.requireContentType(ctx, OfferResource.JSON);
        JsonNode body;
        try {
            body = mapper.readTree(RequestBodies.readText(ctx));
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "malformed_json", "the client stats body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject() || !body.path("eyes").isArray()) {
            throw new ApiError(400, "bad_client_stats", "expected a JSON object with an \"eyes\" array");
        }
        ObjectNode entry = ((ObjectNode) body).deepCopy();
        entry.put("received_ms", clock.getAsLong());
        entry.put("remote", ctx.ip());
        String key = ctx.ip() + " " + body.path("userAgent").asText("") + " " + body.path("id").asText("");
        synchronized (this) {
            latest.remove(key);
            latest.put(key, entry);
            while (latest.size() > MAX_CLIENTS) {
                latest.remove(latest.keySet().iterator().next());
            }
        }
        ctx.status(204);
    }

    /**
     * Registers the client-reported gauges: per eye the mean over recently reporting clients of
     * their decoded fps, probe latency ({@code latencyMs}, when a client measures it) and jitter
     * buffer delay; and how many clients reported. NaN when no client reported the figure.
     */
    void bindTo(MeterRegistry registry) {
        for (String eye : List.of("left", "right", "side-by-side")) {
            eyeGauge(registry, MetricNames.CLIENT_FPS, "Decoded frames per second the web clients report", eye,
                    "fps", 1);
            eyeGauge(registry, MetricNames.CLIENT_LATENCY, "Capture-to-display latency the web clients measure "
                    + "from the probe stamp", eye, "latencyMs", 1e-3);
            eyeGauge(registry, MetricNames.CLIENT_JITTER_BUFFER, "Jitter-buffer delay the web clients report", eye,
                    "jitterBufferMs", 1e-3);
        }
        Gauge.builder(MetricNames.CLIENTS_REPORTING, this, c -> c.recent().size())
                .description("Web clients that reported their statistics in the last minute").register(registry);
    }

    private void eyeGauge(MeterRegistry registry, String name, String description, String eye, String field,
                          double scale) {
        Gauge.builder(name, this, c -> c.mean(eye, field) * scale).description(description)
                .tag(MetricNames.EYE, eye).register(registry);
    }

    /** Mean of {@code field} over the recent clients' entries for {@code eye}; NaN when none has it. */
    double mean(String eye, String field) {
        double sum = 0;
        int n = 0;
        for (ObjectNode client : recent()) {
            for (JsonNode e : client.path("eyes")) {
                JsonNode v = e.path(field);
                if (eye.equals(e.path("eye").asText()) && v.isNumber()) {
                    sum += v.asDouble();
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Recent summaries, newest last; for {@code /api/status}. */
    synchronized List<ObjectNode> recent() {
        long cutoff = clock.getAsLong() - KEEP_MS;
        latest.values().removeIf(e -> e.path("received_ms").asLong() < cutoff);
        return new ArrayList<>(latest.values());
    }
}
