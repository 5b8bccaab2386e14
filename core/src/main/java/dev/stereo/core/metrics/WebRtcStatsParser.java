package dev.stereo.core.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the per-SSRC sender figures out of webrtcbin's {@code get-stats} reply in its text form
 * ({@code gst_structure_to_string}: one field per statistics entry, each a nested structure
 * serialised as an escaped quoted string). Pure: the text is all it needs, so it is tested
 * without GStreamer; gst1-java-core cannot hand out nested structures as objects anyway.
 */
public final class WebRtcStatsParser {

    private WebRtcStatsParser() {}

    /** A parsed structure: its name and its fields' values as text (quotes and escapes removed). */
    record Parsed(String name, Map<String, String> fields, Map<String, String> types) {}

    /**
     * Sender figures per SSRC: every {@code outbound-rtp} entry, joined with the
     * {@code remote-inbound-rtp} entry of the same SSRC when the viewer has reported one.
     * Text that is not a stats structure gives an empty map, never an exception.
     */
    public static Map<Long, RtpSenderStats> senderStats(String statsText) {
        Map<Long, Map<String, String>> outbound = new LinkedHashMap<>();
        Map<Long, Map<String, String>> remote = new HashMap<>();
        Parsed top;
        try {
            top = parse(statsText);
        } catch (RuntimeException malformed) {
            return Map.of();
        }
        for (Map.Entry<String, String> e : top.fields().entrySet()) {
            if (!"structure".equals(top.types().get(e.getKey()))) {
                continue;
            }
            Parsed entry;
            try {
                entry = parse(e.getValue());
            } catch (RuntimeException malformed) {
                continue;
            }
            String type = entry.fields().get("type");
            Long ssrc = parseLong(entry.fields().get("ssrc"));
            if (type == null || ssrc == null) {
                continue;
            }
            if (type.equals("outbound-rtp")) {
                outbound.put(ssrc, entry.fields());
            } else if (type.equals("remote-inbound-rtp")) {
                remote.put(ssrc, entry.fields());
            }
        }
        Map<Long, RtpSenderStats> out = new LinkedHashMap<>();
        outbound.forEach((ssrc, o) -> {
            Map<String, String> r = remote.getOrDefault(ssrc, Map.of());
            out.put(ssrc, new RtpSenderStats(ssrc, count(o, "packets-sent"), count(o, "bytes-sent"),
                    // A receiver may report -1 before it has seen anything; lost is a count.
                    Math.max(0, count(r, "packets-lost")), jitter(r), seconds(r, "round-trip-time"),
                    count(o, "nack-count"), count(o, "pli-count"), count(o, "fir-count")));
        });
        return out;
    }

    /**
     * The viewer's reported jitter in seconds: webrtcbin's {@code jitter} when it computed one,
     * else the raw receiver-report value (RTP clock units) from its rtpsource figures, over the
     * 90 kHz video clock (webrtcbin leaves {@code jitter} out when it does not know the remote
     * clock rate, as with every viewer here).
     */
    private static double jitter(Map<String, String> remoteInbound) {
        double j = seconds(remoteInbound, "jitter");
        if (!Double.isNaN(j)) {
            return j;
        }
        String source = remoteInbound.get("gst-rtpsource-stats");
        if (source == null) {
            return Double.NaN;
        }
        try {
            Map<String, String> f = parse(source).fields();
            return "true".equals(f.get("have-rb")) && f.containsKey("rb-jitter")
                    ? count(f, "rb-jitter") / VIDEO_CLOCK_RATE : Double.NaN;
        } catch (RuntimeException malformed) {
            return Double.NaN;
        }
    }

    /** RTP clock rate of H.264 video (RFC 6184). */
    private static final double VIDEO_CLOCK_RATE = 90_000.0;

    private static long count(Map<String, String> fields, String name) {
        Long v = parseLong(fields.get(name));
        return v == null ? 0 : v;
    }

    private static double seconds(Map<String, String> fields, String name) {
        String v = fields.get(name);
        if (v == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Long parseLong(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            try {
                return Math.round(Double.parseDouble(v));
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
    }

    /**
     * Parses {@code name, key=(type)value, ...;}. Values may be bare, quoted with backslash
     * escapes (nested structures, strings with spaces), or bracketed lists/ranges.
     */
    static Parsed parse(String text) {
        Cursor c = new Cursor(text.trim());
        String name = c.readUntil(",;");
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        while (c.more() && c.peek() == ',') {
            c.next();
            c.skipSpaces();
            String key = c.readUntil("=").trim();
            c.expect('=');
            String type = null;
            if (c.more() && c.peek() == '(') {
                c.next();
                type = c.readUntil(")");
                c.expect(')');
            }
            fields.put(key, c.readValue());
            if (type != null) {
                types.put(key, type);
            }
        }
        return new Parsed(name.trim(), fields, types);
    }

    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        boolean more() {
            return i < s.length();
        }

        char peek() {
            return s.charAt(i);
        }

        char next() {
            return s.charAt(i++);
        }

        void skipSpaces() {
            while (more() && peek() == ' ') {
                i++;
            }
        }

        void expect(char ch) {
            if (!more() || next() != ch) {
                throw new IllegalArgumentException("expected '" + ch + "' at " + (i - 1) + " in " + s);
            }
        }

        String readUntil(String stops) {
            int start = i;
            while (more() && stops.indexOf(peek()) < 0) {
                i++;
            }
            return s.substring(start, i);
        }

        /** A value up to the next top-level ',' or ';'. */
        String readValue() {
            if (more() && peek() == '"') {
                next();
                StringBuilder b = new StringBuilder();
                while (true) {
                    char ch = next();
                    if (ch == '\\') {
                        b.append(next());
                    } else if (ch == '"') {
                        return b.toString();
                    } else {
                        b.append(ch);
                    }
                }
            }
            int start = i;
            int depth = 0;
            while (more()) {
                char ch = peek();
                if (ch == '\\') {
                    i += 2;
                    continue;
                }
                if (ch == '{' || ch == '<' || ch == '[') {
                    depth++;
                } else if (ch == '}' || ch == '>' || ch == ']') {
                    depth--;
                } else if (depth == 0 && (ch == ',' || ch == ';')) {
                    break;
                }
                i++;
            }
            return s.substring(start, Math.min(i, s.length())).trim();
        }
    }
}
