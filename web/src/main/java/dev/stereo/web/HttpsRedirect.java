package dev.stereo.web;

import io.javalin.http.Context;

import java.util.function.IntSupplier;

/**
 * Sends every plain-HTTP request to the same URL on HTTPS: a user typing {@code pi.local:8080}
 * still ends up in the secure context WebXR needs. 301 for GET/HEAD; 308 otherwise so a POST stays a
 * POST (a 301 lets clients downgrade it to GET). Runs as the first {@code before} filter, so it also
 * covers static files and unknown paths; on HTTPS requests it does nothing.
 */
final class HttpsRedirect {

    private final IntSupplier httpsPort;

    /** @param httpsPort the bound HTTPS port, read per request (it is only known after start) */
    HttpsRedirect(IntSupplier httpsPort) {
        this.httpsPort = httpsPort;
    }

    void handle(Context ctx) {
        if (ctx.req().isSecure()) {
            return;
        }
        String method = ctx.req().getMethod();
        int status = "GET".equals(method) || "HEAD".equals(method) ? 301 : 308;
        ctx.status(status);
        ctx.header("Location", target(ctx.req().getServerName(), httpsPort.getAsInt(),
                ctx.req().getRequestURI(), ctx.req().getQueryString()));
        ctx.skipRemainingHandlers();
    }

    static String target(String host, int port, String path, String query) {
        // getServerName() comes from the Host header; IPv6 literals need their brackets back.
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        StringBuilder url = new StringBuilder("https://").append(h);
        if (port != 443) {
            url.append(':').append(port);
        }
        url.append(path == null || path.isEmpty() ? "/" : path);
        if (query != null && !query.isEmpty()) {
            url.append('?').append(query);
        }
        return url.toString();
    }
}
