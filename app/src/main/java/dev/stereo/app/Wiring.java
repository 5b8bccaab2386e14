package dev.stereo.app;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.StereoPipeline;
import dev.stereo.gst.GraphPipeline;
import dev.stereo.web.WebSettings;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Version;

/** The one place that picks concrete implementations and connects them. */
final class Wiring {

    private Wiring() {}

    /** Initialises GStreamer once per process (every command that touches media calls this). */
    static synchronized void initGStreamer() {
        if (!Gst.isInitialized()) {
            try {
                Gst.init(Version.of(1, 16), "stereo");
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new IllegalStateException("GStreamer could not be loaded (" + e.getMessage()
                        + "). Install it: apt-get install gstreamer1.0-tools gstreamer1.0-plugins-base "
                        + "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly "
                        + "gstreamer1.0-nice", e);
            }
        }
    }

    /** The pipeline named on the command line, for a config whose sources are resolved. */
    static StereoPipeline pipeline(String name, StereoConfig config) {
        StereoConfig resolved = SourceResolver.resolve(config);
        return switch (name) {
            case "option3" -> new GraphPipeline(resolved);
            case "option2" -> throw new Main.UsageError(
                    "--pipeline=option2 is not built yet; use --pipeline=option3");
            default -> throw new Main.UsageError("--pipeline must be option3 or option2, not \"" + name + "\"");
        };
    }

    static WebSettings webSettings(StereoConfig config) {
        var s = config.server();
        return new WebSettings(s.bind(), s.port(), s.httpPort(), s.tlsCert(), s.tlsKey(), s.stateDir(), s.token(),
                s.maxViewers(), null);
    }

    static String displayHost(String bind) {
        if (bind == null || bind.equals("0.0.0.0") || bind.equals("::")) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "localhost";
            }
        }
        return bind;
    }
}
