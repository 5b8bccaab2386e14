package dev.stereo.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stream contract against option2 (Java encode, encoded frames passed through). */
class Option2StreamIT extends StreamContract {

    @BeforeAll
    static void start() throws Exception {
        startWith("option2");
    }

    /**
     * The product page in the emulated Quest 3 against option2 (XrIT covers option3): each XR
     * view shows its own eye, and left/right pairs are of one capture instant. Runs here to share
     * this class's appliance.
     */
    @Test
    void productPageInEmulatedQuest3EachEyeSeesItsOwnTrackAndPairsOfOneInstant() throws Exception {
        JsonNode r = XrIT.runXr(appliance, "--readbacks", "8", "--pairing-seconds", "2");
        System.out.println("[Option2StreamIT xr] " + r);
        XrIT.assertPerEye(r);
        XrIT.assertPairs(r);
        // The other tests here count viewers: let the closed page's session go first.
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 60 && json.readTree(E2e.get(appliance.url() + "/api/status").body()).path("viewers").asInt() > 0; i++) {
            Thread.sleep(250);
        }
    }
}
