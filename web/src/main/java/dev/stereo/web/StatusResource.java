package dev.stereo.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoPipeline;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static dev.stereo.web.BearerAuth.Access.TOKEN;

/**
 * {@code GET /healthz} (open, for systemd/load-balancer style probes) and {@code GET /api/status}
 * (token-protected): the pipeline's {@link PipelineStatus} in snake_case, {@code viewers} from the
 * web layer's session table, {@code uptime_s}, plus any sections other features registered.
 *
 * <p>Sections may be added from any thread at any time; each supplier is called on the request
 * thread for every status request, so it must be cheap and must not block on media threads.
 */
final class StatusResource {

    private static final Logger log = LoggerFactory.getLogger(StatusResource.class);
    /** Keys the base document owns; a section may not shadow them. */
    private static final Set<String> RESERVED = Set.of("pipeline", "state", "layout", "eyes", "viewers",
            "encoders", "pipeline_viewers", "uptime_s");

    private final StereoPipeline pipeline;
    private final SessionTable sessions;
    private final ObjectMapper mapper;
    private final LongSupplier uptimeSeconds;
    private final Map<String, Supplier<?>> sections = new LinkedHashMap<>(); // guarded by this

    StatusResource(StereoPipeline pipeline, SessionTable sessions, ObjectMapper mapper, LongSupplier uptimeSeconds) {
        this.pipeline = pipeline;
        this.sessions = sessions;
        this.mapper = mapper;
        this.uptimeSeconds = uptimeSeconds;
    }

    void register(RoutesConfig routes) {
        routes.get("/healthz", this::health);
        routes.get("/api/status", this::status, TOKEN);
    }

    synchronized void addSection(String name, Supplier<?> supplier) {
        if (name == null || name.isBlank() || RESERVED.contains(name)) {
            throw new IllegalArgumentException("invalid or reserved status section name: " + name);
        }
        if (supplier == null) {
            throw new IllegalArgumentException("supplier is null");
        }
        sections.put(name, supplier);
    }

    private void health(Context ctx) throws Exception {
        PipelineStatus status = pipeline.status();
        Map<String, String> body = new LinkedHashMap<>();
        if ("error".equals(status.state())) {
            body.put("status", "error");
            body.put("error", "pipeline_error");
            body.put("detail", "pipeline " + status.pipeline() + " is in state \"error\"");
            ctx.status(503);
        } else {
            body.put("status", "ok");
        }
        ctx.contentType(OfferResource.JSON).result(mapper.writeValueAsBytes(body));
    }

    private void status(Context ctx) throws Exception {
        ctx.contentType(OfferResource.JSON).result(mapper.writeValueAsBytes(document()));
    }

    ObjectNode document() {
        ObjectNode root = mapper.valueToTree(pipeline.status());
        // The pipeline's own count is kept for diagnosis (a mismatch means a leaked peer); the
        // table's count is authoritative because it is what the viewer cap is enforced against.
        JsonNode pipelineViewers = root.remove("viewers");
        root.put("viewers", sessions.size());
        if (pipelineViewers != null) {
            root.set("pipeline_viewers", pipelineViewers);
        }
        root.put("uptime_s", uptimeSeconds.getAsLong());
        Map<String, Supplier<?>> copy;
        synchronized (this) {
            copy = new LinkedHashMap<>(sections);
        }
        copy.forEach((name, supplier) -> {
            try {
                root.set(name, mapper.valueToTree(supplier.get()));
            } catch (RuntimeException e) {
                // One broken section must not take the whole status page down.
                log.warn("status section {} failed", name, e);
                root.set(name, mapper.createObjectNode().put("error", String.valueOf(e.getMessage())));
            }
        });
        return root;
    }
}
