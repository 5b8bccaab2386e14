package dev.stereo.core.metrics;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixture is a real {@code get-stats} reply of webrtcbin 1.22 sending two H.264 tracks to a
 * second webrtcbin on 127.0.0.1, shortened (some entries and rtpsource fields left out) and with
 * a few figures changed from 0 so that each one is checked.
 */
class WebRtcStatsParserTest {

    static String fixture() throws Exception {
        try (InputStream in = WebRtcStatsParserTest.class.getResourceAsStream("/webrtcbin-get-stats.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    @Test
    void joinsOutboundAndRemoteInboundFiguresBySsrc() throws Exception {
        Map<Long, RtpSenderStats> stats = WebRtcStatsParser.senderStats(fixture());
        assertEquals(2, stats.size(), stats.toString());
        RtpSenderStats left = stats.get(1311808130L);
        assertEquals(41, left.packetsSent());
        assertEquals(35513, left.bytesSent());
        assertEquals(7, left.packetsLost());
        assertEquals(0.0015, left.roundTripSeconds(), 1e-12);
        assertEquals(450 / 90_000.0, left.jitterSeconds(), 1e-12, "rb-jitter in 90 kHz units");
        assertEquals(3, left.nackCount());
        assertEquals(2, left.pliCount());
        assertEquals(0, left.firCount());
        RtpSenderStats right = stats.get(972120515L);
        assertEquals(40, right.packetsSent());
        assertEquals(1, right.firCount());
        assertEquals(0, right.packetsLost(), "no receiver report yet");
        assertTrue(Double.isNaN(right.jitterSeconds()) && Double.isNaN(right.roundTripSeconds()), right.toString());
    }

    @Test
    void unescapesNestedQuotedValues() {
        var top = WebRtcStatsParser.parse("s, a=(structure)\"inner\\,\\ x\\=\\(string\\)\\\"two\\\\\\ words\\\"\\;\", b=(uint)5;");
        assertEquals("s", top.name());
        assertEquals("5", top.fields().get("b"));
        var inner = WebRtcStatsParser.parse(top.fields().get("a"));
        assertEquals("inner", inner.name());
        assertEquals("two words", inner.fields().get("x"));
    }

    @Test
    void garbageGivesNoFigures() {
        assertEquals(Map.of(), WebRtcStatsParser.senderStats(""));
        assertEquals(Map.of(), WebRtcStatsParser.senderStats("application/x-webrtc-stats, x=(structure)\"unterminated"));
        assertEquals(Map.of(), WebRtcStatsParser.senderStats("application/x-webrtc-stats;"));
    }

    @Test
    void aReportedMinusOneLossCountsAsNone() {
        String text = "application/x-webrtc-stats, o=(structure)\"outbound-rtp\\,\\ type\\=\\(GstWebRTCStatsType\\)"
                + "outbound-rtp\\,\\ ssrc\\=\\(uint\\)9\\,\\ packets-sent\\=\\(guint64\\)3\\;\", r=(structure)\""
                + "remote-inbound-rtp\\,\\ type\\=\\(GstWebRTCStatsType\\)remote-inbound-rtp\\,\\ ssrc\\=\\(uint\\)9"
                + "\\,\\ packets-lost\\=\\(gint64\\)-1\\,\\ jitter\\=\\(double\\)0.002\\;\";";
        RtpSenderStats s = WebRtcStatsParser.senderStats(text).get(9L);
        assertEquals(3, s.packetsSent());
        assertEquals(0, s.packetsLost());
        assertEquals(0.002, s.jitterSeconds(), 1e-12, "webrtcbin's own jitter when present");
    }
}
