package dev.stereo.web;

import io.javalin.http.Context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Request-body checks shared by the signalling handlers: media type, size cap, SDP sanity. */
final class RequestBodies {

    /** An SDP offer is a few KiB even with many candidates; 64 KiB leaves room and bounds memory. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private RequestBodies() {}

    /** Throws 415 unless the media type (parameters such as charset ignored) is {@code expected}. */
    static void requireContentType(Context ctx, String expected) {
        String header = ctx.header("Content-Type");
        String mediaType = header == null ? "" : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(expected)) {
            throw ApiError.unsupportedMediaType(expected, header);
        }
    }

    /**
     * Reads the body as UTF-8, at most {@link #MAX_BODY_BYTES}. Checks Content-Length first so an
     * oversized upload is refused without reading it, and counts bytes anyway because chunked
     * requests carry no length.
     */
    static String readText(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw ApiError.tooLarge(MAX_BODY_BYTES);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 4096);
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > MAX_BODY_BYTES) {
                    throw ApiError.tooLarge(MAX_BODY_BYTES);
                }
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ApiError.badRequest("bad_request", "could not read request body: " + e.getMessage());
        }
    }

    /**
     * Cheap structural check before the pipeline sees the offer: the pipeline's own parser gives
     * the precise reason (BadOfferException), this only turns empty or non-SDP bodies into a 400
     * without touching the media code.
     */
    static String requireSdp(String sdp) {
        if (sdp == null || sdp.isBlank()) {
            throw ApiError.badRequest("bad_offer", "empty offer: expected an SDP offer");
        }
        String trimmed = stripLeading(sdp);
        if (!trimmed.startsWith("v=0")) {
            throw ApiError.badRequest("bad_offer", "not an SDP offer: it must start with \"v=0\"");
        }
        return trimmed;
    }

    private static String stripLeading(String s) {
        int i = 0;
        // A UTF-8 BOM or blank lines from hand-written test clients are harmless; drop them.
        while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == '\uFEFF')) {
            i++;
        }
        return s.substring(i);
    }
}
