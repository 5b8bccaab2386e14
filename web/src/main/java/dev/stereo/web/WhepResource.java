package dev.stereo.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import static dev.stereo.web.BearerAuth.Access.TOKEN;

/**
 * WHEP signalling (draft-ietf-wish-whep): {@code POST /whep} creates a viewer session from a
 * recvonly SDP offer, {@code PATCH /whep/{id}} trickles ICE candidates, {@code DELETE /whep/{id}}
 * ends the session. Handlers run on Jetty request threads; POST blocks while the pipeline gathers
 * ICE (so non-trickle clients get every candidate in the answer).
 */
final class WhepResource {

    static final String SDP = "application/sdp";
    static final String SDP_FRAG = "application/trickle-ice-sdpfrag";
    static final String PATH = "/whep";

    private final SessionTable sessions;

    WhepResource(SessionTable sessions) {
        this.sessions = sessions;
    }

    void register(RoutesConfig routes) {
        routes.post(PATH, this::create, TOKEN);
        routes.patch(PATH + "/{id}", this::trickle, TOKEN);
        routes.delete(PATH + "/{id}", this::delete, TOKEN);
    }

    static String sessionUrl(String id) {
        return PATH + "/" + id;
    }

    private void create(Context ctx) {
        RequestBodies.requireContentType(ctx, SDP);
        String offer = RequestBodies.requireSdp(RequestBodies.readText(ctx));
        SessionTable.Entry entry = sessions.open(offer);
        String id = entry.session().id();
        ctx.status(201);
        ctx.header("Location", sessionUrl(id));
        // The draft uses the ETag to identify the ICE session for If-Match on later PATCHes.
        ctx.header("ETag", "\"" + id + "\"");
        ctx.header("Accept-Patch", SDP_FRAG);
        ctx.contentType(SDP);
        ctx.result(entry.session().answerSdp());
    }

    private void trickle(Context ctx) {
        SessionTable.Entry entry = sessions.get(ctx.pathParam("id"));
        RequestBodies.requireContentType(ctx, SDP_FRAG);
        TrickleFragment fragment = TrickleFragment.parse(RequestBodies.readText(ctx));
        for (TrickleFragment.Candidate c : fragment.candidates()) {
            entry.session().addRemoteCandidate(c.mlineIndex(entry.offerMids()), c.candidate());
        }
        ctx.status(204);
    }

    private void delete(Context ctx) {
        sessions.close(ctx.pathParam("id"));
        ctx.status(200);
    }
}
