package dev.stereo.core.sdp;

import dev.stereo.core.BadOfferException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SdpOfferTest {

    static String chromeOffer() throws IOException {
        try (InputStream in = SdpOfferTest.class.getResourceAsStream("/chrome-offer-2video.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\n", "\r\n");
        }
    }

    @Test
    void picksConstrainedBaselineWithPacketizationMode1PerMline() throws Exception {
        SdpOffer offer = SdpOffer.parse(chromeOffer(), 2);
        assertEquals(2, offer.video().size());
        assertEquals(106, offer.video().get(0).h264PayloadType());
        assertEquals("42e01f", offer.video().get(0).profileLevelId());
        assertEquals("0", offer.video().get(0).mid());
        assertEquals("1", offer.video().get(1).mid());
        assertEquals("recvonly", offer.video().get(1).direction());
    }

    @Test
    void rejectsWrongNumberOfVideoLinesWithWhatToDo() throws Exception {
        BadOfferException e = assertThrows(BadOfferException.class, () -> SdpOffer.parse(chromeOffer(), 1));
        assertTrue(e.getMessage().contains("has 2 video m-line(s)"), e.getMessage());
    }

    @Test
    void rejectsNonSdpAndEmpty() {
        assertTrue(assertThrows(BadOfferException.class, () -> SdpOffer.parse("hello", 2))
                .getMessage().contains("v=0"));
        assertTrue(assertThrows(BadOfferException.class, () -> SdpOffer.parse("  ", 2))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(BadOfferException.class, () -> SdpOffer.parse("v=0\r\nthis is not sdp", 2))
                .getMessage().contains("line 2"));
    }

    @Test
    void rejectsOfferWithoutH264() throws Exception {
        String vp8only = chromeOffer().replaceAll("(?m)^a=rtpmap:(\\d+) H264/90000\\r?$", "a=rtpmap:$1 VP9/90000");
        BadOfferException e = assertThrows(BadOfferException.class, () -> SdpOffer.parse(vp8only, 2));
        assertTrue(e.getMessage().contains("no H.264"), e.getMessage());
        assertTrue(e.getMessage().contains("VP8"), e.getMessage());
    }

    @Test
    void rejectsSendonlyAndMissingDtls() throws Exception {
        String sendonly = chromeOffer().replace("a=recvonly", "a=sendonly");
        assertTrue(assertThrows(BadOfferException.class, () -> SdpOffer.parse(sendonly, 2))
                .getMessage().contains("sendonly"));
        String noDtls = chromeOffer().replaceAll("(?m)^a=fingerprint:.*\\r?\\n", "");
        assertTrue(assertThrows(BadOfferException.class, () -> SdpOffer.parse(noDtls, 2))
                .getMessage().contains("fingerprint"));
    }

    @Test
    void rejectsAudio() throws Exception {
        String audio = chromeOffer().replaceFirst("m=video 9", "m=audio 9");
        assertTrue(assertThrows(BadOfferException.class, () -> SdpOffer.parse(audio, 2))
                .getMessage().contains("only sends video"));
    }
}
