package dev.stereo.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

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

    /** Recent summaries, newest last; for {@code /api/status}. */
    synchronized List<ObjectNode> recent() {
        long cutoff = clock.getAsLong() - KEEP_MS;
        latest.values().removeIf(e -> e.path("received_ms").asLong() < cutoff);
        return new ArrayList<>(latest.values());
    }
}
