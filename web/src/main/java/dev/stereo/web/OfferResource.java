package dev.stereo.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import static dev.stereo.web.BearerAuth.Access.TOKEN;

/**
 * {@code POST /offer}: the JSON signalling of the earlier Python service,
 * {@code {"type":"offer","sdp":"..."}} → {@code {"type":"answer","sdp":"..."}}. The session lands
 * in the same table as WHEP sessions (same cap); its WHEP URL is returned in {@code Location} so
 * such clients can still DELETE it, while the body stays exactly what old clients expect.
 */
final class OfferResource {

    static final String JSON = "application/json";

    private final SessionTable sessions;
    private final ObjectMapper mapper;

    OfferResource(SessionTable sessions, ObjectMapper mapper) {
        this.sessions = sessions;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/offer", this::offer, TOKEN);
    }

    private void offer(Context ctx) throws JsonProcessingException {
        RequestBodies.requireContentType(ctx, JSON);
        String body = RequestBodies.readText(ctx);
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed_json", "request body is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw ApiError.badRequest("malformed_json", "expected a JSON object {\"type\":\"offer\",\"sdp\":\"...\"}");
        }
        JsonNode type = json.get("type");
        if (type == null || !"offer".equals(type.asText())) {
            throw ApiError.badRequest("bad_offer", "\"type\" must be \"offer\"");
        }
        JsonNode sdp = json.get("sdp");
        if (sdp == null || !sdp.isTextual()) {
            throw ApiError.badRequest("bad_offer", "\"sdp\" must be a string holding the SDP offer");
        }
        SessionTable.Entry entry = sessions.open(RequestBodies.requireSdp(sdp.asText()));
        ObjectNode answer = mapper.createObjectNode();
        answer.put("type", "answer");
        answer.put("sdp", entry.session().answerSdp());
        ctx.header("Location", WhepResource.sessionUrl(entry.session().id()));
        ctx.contentType(JSON);
        ctx.result(mapper.writeValueAsBytes(answer));
    }
}
