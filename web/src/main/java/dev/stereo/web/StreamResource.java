package dev.stereo.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.stereo.web.BearerAuth.Access.TOKEN;

/**
 * {@code GET /api/stream} (the current encoder targets) and {@code POST /api/stream} (change the
 * bitrate and frame rate live, viewers stay connected). Both need the bearer token when one is
 * configured. 400 for a bad body (every field named with its range), 409 when the running
 * pipeline cannot make the change live, 503 when the app wired no {@link LiveStream}.
 * Jetty threads; thread-safe.
 */
final class StreamResource {

    private static final Logger log = LoggerFactory.getLogger(StreamResource.class);

    private final ObjectMapper mapper;
    private final ObjectMapper strict;
    private volatile LiveStream live;

    StreamResource(ObjectMapper mapper) {
        this.mapper = mapper;
        // Duplicate keys ({"fps": 30, "fps": 60}) are ambiguous: refuse rather than pick one.
        this.strict = mapper.copy().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    void wire(LiveStream stream) {
        this.live = stream;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/stream", this::get, TOKEN);
        routes.post("/api/stream", this::post, TOKEN);
    }

    private LiveStream live() {
        LiveStream l = live;
        if (l == null) {
            throw ApiError.unavailable("no_live_control", "live stream control is not available in this server");
        }
        return l;
    }

    private void get(Context ctx) throws Exception {
        ctx.contentType(OfferResource.JSON).result(mapper.writeValueAsBytes(live().state()));
    }

    private void post(Context ctx) throws Exception {
        LiveStream l = live();
        RequestBodies.requireContentType(ctx, OfferResource.JSON);
        JsonNode body;
        try {
            body = strict.readTree(RequestBodies.readText(ctx));
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        }
        StreamChange change = StreamRequest.parse(body);
        Object state;
        try {
            state = l.apply(change);
        } catch (LiveStream.Refused e) {
            throw new ApiError(409, "not_live", e.getMessage());
        }
        log.info("POST /api/stream from {}: {}", ctx.ip(), change);
        ctx.contentType(OfferResource.JSON).result(mapper.writeValueAsBytes(state));
    }
}
