package dev.stereo.app;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.ServerConfig;
import dev.stereo.calibration.StereoConfig.SourceType;

/** Command-line overrides applied on top of the loaded YAML. Pure. */
final class ConfigOverrides {

    private ConfigOverrides() {}

    static StereoConfig apply(StereoConfig c, SourceType source, Integer port) {
        ServerConfig s = c.server();
        if (port != null) {
            s = new ServerConfig(s.bind(), port, s.httpPort(), s.tlsCert(), s.tlsKey(), s.stateDir(), s.token(),
                    s.maxViewers());
        }
        CameraConfig left = source == null ? c.left() : withSource(c.left(), source, c.left().device());
        CameraConfig right = source == null ? c.right() : withSource(c.right(), source, c.right().device());
        return new StereoConfig(c.file(), s, c.stream(), left, right, c.appliance());
    }

    static StereoConfig withSources(StereoConfig c, CameraConfig left, CameraConfig right) {
        return new StereoConfig(c.file(), c.server(), c.stream(), left, right, c.appliance());
    }

    /** Keeps every other field, the external encoder included. */
    static CameraConfig withSource(CameraConfig cam, SourceType source, String device) {
        return cam.withSource(source, device);
    }
}
