package dev.stereo.web;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Optional {@code Authorization: Bearer <token>} check. Routes opt in by carrying
 * {@link Access#TOKEN}; the check runs in a {@code beforeMatched} filter, so it applies to the
 * route Javalin actually matched (no path-prefix games) and never to static files or
 * {@code /healthz}. Stateless and thread-safe.
 */
final class BearerAuth {

    /** Route roles understood by {@link BearerAuth}. */
    enum Access implements RouteRole {
        /** Requires the bearer token when one is configured. */
        TOKEN
    }

    private final byte[] expectedDigest; // null = authentication disabled

    BearerAuth(String token) {
        this.expectedDigest = token == null ? null : sha256(token);
    }

    boolean enabled() {
        return expectedDigest != null;
    }

    /** @throws ApiError 401 when a token is configured and the request does not carry it */
    void check(Context ctx) {
        if (expectedDigest == null || !ctx.routeRoles().contains(Access.TOKEN)) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw ApiError.unauthorized("missing Authorization: Bearer token", false);
        }
        String h = header.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("Authorization header must use the Bearer scheme", true);
        }
        // Compare digests: MessageDigest.isEqual is constant-time for equal lengths, and hashing
        // first makes the lengths equal, so neither content nor length leaks through timing.
        if (!MessageDigest.isEqual(expectedDigest, sha256(h.substring(7).strip()))) {
            throw ApiError.unauthorized("invalid bearer token", true);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
