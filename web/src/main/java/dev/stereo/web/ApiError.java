package dev.stereo.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP error a handler decided on. Thrown from handlers (any Jetty thread) and rendered by
 * {@link WebServer} as {@code {"error": code, "detail": detail}} with the given status and extra
 * headers. {@code detail} is shown to clients, so it must never carry stack traces or secrets.
 */
final class ApiError extends RuntimeException {

    static final String RETRY_AFTER_SECONDS = "5";

    private final int status;
    private final String code;
    private final Map<String, String> headers;

    ApiError(int status, String code, String detail, Map<String, String> headers) {
        super(detail, null, false, false); // control flow, not a bug: no stack trace needed
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    ApiError(int status, String code, String detail) {
        this(status, code, detail, Map.of());
    }

    int status() { return status; }
    String code() { return code; }
    String detail() { return getMessage(); }
    Map<String, String> headers() { return headers; }

    Map<String, String> body() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("detail", detail());
        return body;
    }

    static ApiError badRequest(String code, String detail) {
        return new ApiError(400, code, detail);
    }

    static ApiError unauthorized(String detail, boolean tokenPresented) {
        // RFC 6750 §3: say "invalid_token" only when a token was actually presented.
        String challenge = tokenPresented ? "Bearer realm=\"stereo\", error=\"invalid_token\""
                                          : "Bearer realm=\"stereo\"";
        return new ApiError(401, "unauthorized", detail, Map.of("WWW-Authenticate", challenge));
    }

    static ApiError notFound(String detail) {
        return new ApiError(404, "not_found", detail);
    }

    static ApiError tooLarge(int limit) {
        return new ApiError(413, "payload_too_large", "request body exceeds " + limit + " bytes");
    }

    static ApiError unsupportedMediaType(String expected, String got) {
        return new ApiError(415, "unsupported_media_type",
                "expected Content-Type: " + expected + ", got " + (got == null || got.isBlank() ? "none" : got));
    }

    static ApiError unavailable(String code, String detail) {
        return new ApiError(503, code, detail, Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }
}
