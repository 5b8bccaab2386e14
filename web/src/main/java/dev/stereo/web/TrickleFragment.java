package dev.stereo.web;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code application/trickle-ice-sdpfrag} body (RFC 8840), as sent by WHEP clients in
 * PATCH requests:
 *
 * <pre>
 * a=ice-ufrag:EsAw
 * a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1
 * m=video 9 UDP/TLS/RTP/SAVPF 0
 * a=mid:0
 * a=candidate:1 1 UDP 2130706431 198.51.100.1 39132 typ host
 * a=end-of-candidates
 * </pre>
 *
 * Only the candidates matter to us. A fragment may list just some of the offer's m-lines, so the
 * m-line index a candidate belongs to is found by its {@code a=mid} in the offer; the fragment's
 * own m-line order is only a fallback when there is no mid.
 */
record TrickleFragment(List<Candidate> candidates, boolean endOfCandidates) {

    /**
     * @param mid       the {@code a=mid} of the fragment section, or {@code null}
     * @param ordinal   index of the section's m-line within the fragment, -1 for session level
     * @param candidate the attribute without {@code "a="}, e.g. {@code "candidate:1 1 UDP ..."}
     */
    record Candidate(String mid, int ordinal, String candidate) {

        /** The offer's m-line index this candidate belongs to. */
        int mlineIndex(List<String> offerMids) {
            if (mid != null) {
                int i = offerMids.indexOf(mid);
                if (i >= 0) {
                    return i;
                }
            }
            // Session-level candidates: with BUNDLE every m-line shares the first transport.
            return Math.max(ordinal, 0);
        }
    }

    /** @throws ApiError 400 when a line is not an SDP line at all */
    static TrickleFragment parse(String body) {
        List<Candidate> out = new ArrayList<>();
        boolean end = false;
        int ordinal = -1;
        String mid = null;
        List<String> pending = new ArrayList<>(); // candidates of the current section; mid may follow them
        for (String raw : body.split("\r?\n|\r")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || !Character.isLetter(line.charAt(0))) {
                throw ApiError.badRequest("bad_fragment", "not an SDP fragment line: " + abbreviate(line));
            }
            if (line.startsWith("m=")) {
                flush(out, pending, mid, ordinal);
                ordinal++;
                mid = null;
            } else if (line.startsWith("a=mid:")) {
                mid = line.substring("a=mid:".length()).strip();
            } else if (line.startsWith("a=candidate:")) {
                pending.add(line.substring(2));
            } else if (line.equals("a=end-of-candidates")) {
                end = true;
            }
            // ice-ufrag/ice-pwd/ice-options: ICE restarts are not supported, the values are ignored.
        }
        flush(out, pending, mid, ordinal);
        return new TrickleFragment(List.copyOf(out), end);
    }

    private static void flush(List<Candidate> out, List<String> pending, String mid, int ordinal) {
        for (String c : pending) {
            out.add(new Candidate(mid, ordinal, c));
        }
        pending.clear();
    }

    /** The {@code a=mid} values of an SDP offer in m-line order ({@code null} where absent). */
    static List<String> mids(String sdp) {
        List<String> mids = new ArrayList<>();
        for (String raw : sdp.split("\r?\n|\r")) {
            String line = raw.strip();
            if (line.startsWith("m=")) {
                mids.add(null);
            } else if (line.startsWith("a=mid:") && !mids.isEmpty()) {
                mids.set(mids.size() - 1, line.substring("a=mid:".length()).strip());
            }
        }
        return mids;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
