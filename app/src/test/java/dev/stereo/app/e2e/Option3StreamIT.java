package dev.stereo.app.e2e;

import org.junit.jupiter.api.BeforeAll;

/** The stream contract against option3 (the GStreamer graph). */
class Option3StreamIT extends StreamContract {

    @BeforeAll
    static void start() throws Exception {
        startWith("option3");
    }
}
