package dev.stereo.app.e2e;

import org.junit.jupiter.api.BeforeAll;

/** The stream contract against option2 (Java encode, encoded frames passed through). */
class Option2StreamIT extends StreamContract {

    @BeforeAll
    static void start() throws Exception {
        startWith("option2");
    }
}
