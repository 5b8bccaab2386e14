package dev.stereo.core.gst;

import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Version;

/**
 * The one way this project initialises GStreamer (the app once at start; tests in their setup).
 *
 * <p>Segfault trapping is disabled: GStreamer installs its own SIGSEGV handler while it loads a
 * plugin, and the JVM raises SIGSEGV on purpose (safepoints, implicit null checks), so a JVM
 * pause at that moment would abort the process ("Caught a segmentation fault while loading
 * plugin"). Seen in CI on a fresh machine.
 */
public final class GstRuntime {

    private GstRuntime() {}

    /** Initialises GStreamer 1.16+ once per process; later calls do nothing. Thread-safe. */
    public static synchronized void init(String programName) {
        if (!Gst.isInitialized()) {
            Gst.init(Version.of(1, 16), programName, "--gst-disable-segtrap");
        }
    }
}
