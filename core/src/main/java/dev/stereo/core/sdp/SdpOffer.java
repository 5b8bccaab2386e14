package dev.stereo.core.sdp;

import dev.stereo.core.BadOfferException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A viewer's SDP offer, checked for what a stereo sender needs, before any native code sees it.
 *
 * <p>GStreamer's webrtcbin accepts many broken offers silently and then answers with rejected
 * m-lines, which a browser reports as "no video". Checking here turns those into a 400 with a
 * reason the user can act on. Pure Java; called on the HTTP handler thread.
 */
public final class SdpOffer {

    /** One offered video m-line and the H.264 payload type we will send on it. */
    public record VideoSection(int mlineIndex, String mid, String direction, int h264PayloadType,
                               String profileLevelId) {}

    private final String text;
    private final List<VideoSection> video;

    private SdpOffer(String text, List<VideoSection> video) {
        this.text = text;
        this.video = List.copyOf(video);
    }

    /** The offer as received. */
    public String text() { return text; }

    /** Offered video m-lines in order; the first is the left eye. */
    public List<VideoSection> video() { return video; }

    /**
     * Parses and checks an offer.
     *
     * @param sdp the offer text
     * @param videoTracks how many video tracks the sender has (2 for dual-track, 1 for side-by-side)
     * @throws BadOfferException naming the line or m-line at fault and what was expected
     */
    public static SdpOffer parse(String sdp, int videoTracks) throws BadOfferException {
        if (sdp == null || sdp.isBlank()) {
            throw new BadOfferException("empty body: expected an SDP offer");
        }
        String[] lines = sdp.split("\r?\n");
        if (!lines[0].trim().equals("v=0")) {
            throw new BadOfferException("not an SDP offer: the first line must be \"v=0\"");
        }
        List<Section> sections = new ArrayList<>();
        Section session = new Section(-1, null);
        Section current = session;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || !Character.isLetter(line.charAt(0))) {
                throw new BadOfferException("line " + (i + 1) + ": expected \"<letter>=<value>\", got \""
                        + abbreviate(line) + "\"");
            }
            if (line.startsWith("m=")) {
                String[] parts = line.substring(2).split(" ");
                if (parts.length < 4) {
                    throw new BadOfferException("line " + (i + 1) + ": m-line needs media, port, proto and formats");
                }
                current = new Section(sections.size(), parts[0]);
                current.formats.addAll(List.of(parts).subList(3, parts.length));
                sections.add(current);
            } else if (line.startsWith("a=")) {
                current.attributes.add(line.substring(2));
            }
        }
        if (sections.isEmpty()) {
            throw new BadOfferException("the offer has no m-line: expected " + videoTracks + " video m-line(s)");
        }
        boolean sessionFingerprint = session.has("fingerprint:");
        boolean sessionUfrag = session.has("ice-ufrag:");
        List<VideoSection> video = new ArrayList<>();
        for (Section s : sections) {
            if (!"video".equals(s.media)) {
                throw new BadOfferException("m-line " + s.index + " is \"" + s.media
                        + "\": this server only sends video; offer " + videoTracks + " recvonly video m-line(s)");
            }
            if (!sessionFingerprint && !s.has("fingerprint:")) {
                throw new BadOfferException("m-line " + s.index + " has no a=fingerprint: DTLS is required");
            }
            if (!sessionUfrag && !s.has("ice-ufrag:")) {
                throw new BadOfferException("m-line " + s.index + " has no a=ice-ufrag: ICE is required");
            }
            String direction = s.direction();
            if (!direction.equals("recvonly") && !direction.equals("sendrecv")) {
                throw new BadOfferException("m-line " + s.index + " is " + direction
                        + ": expected recvonly (or sendrecv)");
            }
            video.add(new VideoSection(s.index, s.value("mid:"), direction, s.bestH264(), s.profileOf(s.bestH264())));
        }
        if (video.size() != videoTracks) {
            throw new BadOfferException("the offer has " + video.size() + " video m-line(s); this server sends "
                    + videoTracks + (videoTracks == 2 ? " (left eye first, then right)" : " (side-by-side)")
                    + ": offer exactly " + videoTracks + " recvonly video transceiver(s)");
        }
        return new SdpOffer(sdp, video);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Mutable parse state of one m-section. */
    private static final class Section {
        final int index;
        final String media;
        final List<String> formats = new ArrayList<>();
        final List<String> attributes = new ArrayList<>();

        Section(int index, String media) {
            this.index = index;
            this.media = media;
        }

        boolean has(String prefix) {
            return attributes.stream().anyMatch(a -> a.startsWith(prefix));
        }

        String value(String prefix) {
            return attributes.stream().filter(a -> a.startsWith(prefix))
                    .map(a -> a.substring(prefix.length()).trim()).findFirst().orElse(null);
        }

        String direction() {
            for (String a : attributes) {
                switch (a) {
                    case "sendrecv", "sendonly", "recvonly", "inactive" -> { return a; }
                    default -> { }
                }
            }
            return "sendrecv";
        }

        Map<Integer, String> fmtp() {
            Map<Integer, String> m = new HashMap<>();
            for (String a : attributes) {
                if (a.startsWith("fmtp:")) {
                    int sp = a.indexOf(' ');
                    if (sp > 5) {
                        try {
                            m.put(Integer.parseInt(a.substring(5, sp)), a.substring(sp + 1).toLowerCase(Locale.ROOT));
                        } catch (NumberFormatException ignored) {
                            // a malformed fmtp only disqualifies that payload type
                        }
                    }
                }
            }
            return m;
        }

        String profileOf(int pt) {
            String f = fmtp().getOrDefault(pt, "");
            for (String p : f.split(";")) {
                if (p.trim().startsWith("profile-level-id=")) {
                    return p.trim().substring("profile-level-id=".length());
                }
            }
            return null;
        }

        /**
         * The H.264 payload type to send on: packetization-mode=1 (single NAL mode cannot carry
         * our slices), preferring constrained baseline, which is what x264 ultrafast and the Pi's
         * encoder produce, so every decoder path (including hardware) accepts it.
         */
        int bestH264() throws BadOfferException {
            Map<Integer, String> fmtp = fmtp();
            List<String> offered = new ArrayList<>();
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (String a : attributes) {
                if (!a.startsWith("rtpmap:")) {
                    continue;
                }
                String[] kv = a.substring(7).split(" ", 2);
                if (kv.length < 2) {
                    continue;
                }
                String codec = kv[1].split("/")[0];
                offered.add(codec);
                if (!codec.equalsIgnoreCase("H264")) {
                    continue;
                }
                int pt;
                try {
                    pt = Integer.parseInt(kv[0].trim());
                } catch (NumberFormatException e) {
                    continue;
                }
                String params = fmtp.getOrDefault(pt, "");
                if (!params.contains("packetization-mode=1")) {
                    continue;
                }
                String profile = profileOf(pt);
                int rank = rank(profile);
                if (rank < bestRank) {
                    best = pt;
                    bestRank = rank;
                }
            }
            if (best < 0) {
                throw new BadOfferException("m-line " + index + " offers no H.264 with packetization-mode=1 (offered: "
                        + (offered.isEmpty() ? "nothing" : String.join(", ", offered.stream().distinct().toList()))
                        + ")");
            }
            return best;
        }

        private static int rank(String profile) {
            if (profile == null) {
                return 5;
            }
            String p = profile.toLowerCase(Locale.ROOT);
            if (p.startsWith("42e0")) {
                return 0;
            }
            if (p.startsWith("4200")) {
                return 1;
            }
            if (p.startsWith("42")) {
                return 2;
            }
            if (p.startsWith("4d")) {
                return 3;
            }
            return 4;
        }
    }
}
