package dev.stereo.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict validation of POST /api/stream bodies. */
class StreamRequestTest {

    final ObjectMapper json = new ObjectMapper();

    StreamChange parse(String body) throws Exception {
        return StreamRequest.parse(json.readTree(body));
    }

    String refusal(String body) {
        ApiError e = assertThrows(ApiError.class, () -> parse(body));
        assertEquals(400, e.status());
        assertEquals("bad_stream_request", e.code());
        return e.detail();
    }

    @Test
    void bitrateForBothEyesOrEach() throws Exception {
        assertEquals(new StreamChange(4.0, 4.0, null), parse("{\"bitrate_mbps\": 4}"));
        assertEquals(new StreamChange(0.5, null, null), parse("{\"left_bitrate_mbps\": 0.5}"));
        assertEquals(new StreamChange(1.0, 2.5, 30), parse("{\"left_bitrate_mbps\": 1, \"right_bitrate_mbps\": 2.5, \"fps\": 30}"));
        StreamChange fpsOnly = parse("{\"fps\": 240}");
        assertNull(fpsOnly.leftMbps());
        assertEquals(240, fpsOnly.fps());
        assertEquals(new StreamChange(0.1, 0.1, null), parse("{\"bitrate_mbps\": 0.1}"));
        assertEquals(new StreamChange(100.0, 100.0, null), parse("{\"bitrate_mbps\": 100}"));
    }

    @Test
    void outOfRangeNamesTheFieldAndTheRange() {
        String d = refusal("{\"bitrate_mbps\": 0.05}");
        assertTrue(d.contains("bitrate_mbps = 0.05") && d.contains("between 0.1 and 100"), d);
        d = refusal("{\"left_bitrate_mbps\": 101}");
        assertTrue(d.contains("left_bitrate_mbps = 101") && d.contains("between 0.1 and 100"), d);
        d = refusal("{\"fps\": 0}");
        assertTrue(d.contains("fps = 0") && d.contains("integer between 1 and 240"), d);
        d = refusal("{\"fps\": 241}");
        assertTrue(d.contains("fps = 241"), d);
    }

    @Test
    void wrongTypesAreRefused() {
        assertTrue(refusal("{\"bitrate_mbps\": \"4\"}").contains("bitrate_mbps = \"4\""));
        assertTrue(refusal("{\"fps\": 29.97}").contains("fps = 29.97"));
        assertTrue(refusal("{\"fps\": null}").contains("fps = null"));
        assertTrue(refusal("[1]").contains("expected a JSON object"));
        assertTrue(refusal("4").contains("expected a JSON object"));
    }

    @Test
    void unknownFieldsAreNamedAndEveryProblemIsListed() {
        String d = refusal("{\"bitrate\": 4, \"framerate\": 30, \"fps\": 500}");
        assertTrue(d.contains("unknown fields \"bitrate\", \"framerate\""), d);
        assertTrue(d.contains("allowed: bitrate_mbps, left_bitrate_mbps, right_bitrate_mbps, fps"), d);
        assertTrue(d.contains("fps = 500"), d);
    }

    @Test
    void bothAndPerEyeTogetherOrNothingAreRefused() {
        assertTrue(refusal("{\"bitrate_mbps\": 4, \"left_bitrate_mbps\": 2}").contains("give it alone"));
        assertTrue(refusal("{}").contains("nothing to change"));
    }
}
