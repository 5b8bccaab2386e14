package dev.stereo.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stereo.core.StreamLimits;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Strict validation of a {@code POST /api/stream} body: a JSON object with any of
 * {@code bitrate_mbps} (both eyes), {@code left_bitrate_mbps}, {@code right_bitrate_mbps} and
 * {@code fps}. Unknown fields, wrong types and values outside {@link StreamLimits} are refused
 * with one message naming every offending field and what it allows. Pure; thread-safe.
 */
final class StreamRequest {

    static final List<String> FIELDS = List.of("bitrate_mbps", "left_bitrate_mbps", "right_bitrate_mbps", "fps");

    private StreamRequest() {}

    /** @throws ApiError 400 {@code bad_stream_request} listing every problem */
    static StreamChange parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw bad("expected a JSON object with any of " + String.join(", ", FIELDS));
        }
        List<String> problems = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                unknown.add("\"" + name + "\"");
            }
        }
        if (!unknown.isEmpty()) {
            problems.add("unknown field" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " (allowed: " + String.join(", ", FIELDS) + ")");
        }
        Double both = bitrate(body, "bitrate_mbps", problems);
        Double left = bitrate(body, "left_bitrate_mbps", problems);
        Double right = bitrate(body, "right_bitrate_mbps", problems);
        if (body.has("bitrate_mbps") && (body.has("left_bitrate_mbps") || body.has("right_bitrate_mbps"))) {
            problems.add("bitrate_mbps sets both eyes: give it alone, or left_bitrate_mbps/right_bitrate_mbps instead");
        }
        Integer fps = null;
        JsonNode f = body.get("fps");
        if (f != null) {
            if (!f.isIntegralNumber() || f.asLong() < StreamLimits.MIN_FPS || f.asLong() > StreamLimits.MAX_FPS) {
                problems.add("fps = " + f + ": expected an integer between " + StreamLimits.MIN_FPS + " and "
                        + StreamLimits.MAX_FPS);
            } else {
                fps = f.asInt();
            }
        }
        if (problems.isEmpty() && both == null && left == null && right == null && fps == null) {
            problems.add("nothing to change: give any of " + String.join(", ", FIELDS));
        }
        if (!problems.isEmpty()) {
            throw bad(String.join("; ", problems));
        }
        return new StreamChange(both != null ? both : left, both != null ? both : right, fps);
    }

    private static Double bitrate(JsonNode body, String field, List<String> problems) {
        JsonNode v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < StreamLimits.MIN_BITRATE_MBPS || v.asDouble() > StreamLimits.MAX_BITRATE_MBPS) {
            problems.add(field + " = " + v + ": expected a number of Mbit/s between "
                    + plain(StreamLimits.MIN_BITRATE_MBPS) + " and " + plain(StreamLimits.MAX_BITRATE_MBPS));
            return null;
        }
        return v.asDouble();
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
    }

    private static ApiError bad(String detail) {
        return ApiError.badRequest("bad_stream_request", detail);
    }
}
