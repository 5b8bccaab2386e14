package dev.stereo.web;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrickleFragmentTest {

    final List<String> offerMids = List.of("v0", "v1");

    @Test
    void candidatesAreMappedByMidNotByFragmentOrder() {
        TrickleFragment f = TrickleFragment.parse("a=ice-ufrag:x\na=ice-pwd:y\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96\na=mid:v1\na=candidate:1 1 udp 1 10.0.0.1 5000 typ host\n"
                + "a=end-of-candidates\n");
        assertEquals(1, f.candidates().size());
        assertEquals("candidate:1 1 udp 1 10.0.0.1 5000 typ host", f.candidates().get(0).candidate());
        assertEquals(1, f.candidates().get(0).mlineIndex(offerMids));
        assertTrue(f.endOfCandidates());
    }

    @Test
    void midAfterCandidatesStillApplies() {
        TrickleFragment f = TrickleFragment.parse("m=video 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 h 1 typ host\r\na=mid:v1\r\n");
        assertEquals(1, f.candidates().get(0).mlineIndex(offerMids));
    }

    @Test
    void withoutMidsTheFragmentOrderOrFirstMlineIsUsed() {
        TrickleFragment f = TrickleFragment.parse("a=candidate:0 1 udp 1 h 1 typ host\n"
                + "m=video 9 RTP/AVP 0\na=candidate:1 1 udp 1 h 1 typ host\n"
                + "m=video 9 RTP/AVP 0\na=candidate:2 1 udp 1 h 1 typ host\n");
        assertEquals(List.of(0, 0, 1), f.candidates().stream().map(c -> c.mlineIndex(offerMids)).toList());
    }

    @Test
    void endOfCandidatesAloneHasNoCandidates() {
        TrickleFragment f = TrickleFragment.parse("a=end-of-candidates\r\n");
        assertTrue(f.candidates().isEmpty());
        assertTrue(f.endOfCandidates());
        assertTrue(TrickleFragment.parse("").candidates().isEmpty());
    }

    @Test
    void garbageIsRejected() {
        ApiError e = assertThrows(ApiError.class, () -> TrickleFragment.parse("hello there"));
        assertEquals(400, e.status());
    }

    @Test
    void midsOfAnOffer() {
        assertEquals(Arrays.asList("0", null, "2"), TrickleFragment.mids(
                "v=0\r\na=mid:ignored-session-level\r\nm=video 9 X 96\r\na=mid:0\r\nm=video 9 X 96\r\nm=audio 9 X 0\r\na=mid:2\r\n"));
    }
}
