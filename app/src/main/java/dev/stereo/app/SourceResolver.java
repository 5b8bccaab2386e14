package dev.stereo.app;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.SourceType;
import dev.stereo.camera.CameraDiscovery;
import dev.stereo.camera.CameraInfo;
import dev.stereo.core.Eye;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code source: auto} and camera indexes into concrete sources: libcamera cameras when
 * two are present (index 0 = left, 1 = right), else V4L2 capture devices, else the test source,
 * saying so once. An eye with an {@code external_encoder} is left as written: its process does
 * the capture, and its {@code {camera}} placeholder takes the device (or index) as written.
 */
final class SourceResolver {

    private static final Logger LOG = LoggerFactory.getLogger(SourceResolver.class);

    private SourceResolver() {}

    static StereoConfig resolve(StereoConfig config) {
        boolean needsDiscovery = false;
        for (Eye eye : Eye.values()) {
            CameraConfig cam = config.camera(eye);
            if (cam.externalEncoder() != null) {
                continue;
            }
            needsDiscovery |= cam.source() == SourceType.AUTO
                    || (cam.source() != SourceType.TEST && (cam.device() == null || isIndex(cam.device())));
        }
        if (!needsDiscovery) {
            return config;
        }
        List<CameraInfo> found = new CameraDiscovery().discover();
        List<CameraInfo> libcamera = found.stream().filter(c -> c.kind().equals("libcamera")).toList();
        List<CameraInfo> v4l2 = found.stream().filter(c -> c.kind().equals("v4l2")).toList();
        Map<Eye, CameraConfig> out = new EnumMap<>(Eye.class);
        for (Eye eye : Eye.values()) {
            CameraConfig cam = config.camera(eye);
            if (cam.externalEncoder() != null) {
                out.put(eye, cam);
                continue;
            }
            SourceType type = cam.source();
            if (type == SourceType.AUTO) {
                type = libcamera.size() >= 2 ? SourceType.LIBCAMERA : v4l2.size() >= 2 ? SourceType.V4L2
                        : SourceType.TEST;
                if (type == SourceType.TEST && eye == Eye.LEFT) {
                    LOG.info("no stereo camera pair found (libcamera: {}, V4L2: {}): using the built-in test source",
                            libcamera.size(), v4l2.size());
                }
            }
            List<CameraInfo> pool = type == SourceType.LIBCAMERA ? libcamera : v4l2;
            String device = cam.device();
            if (type != SourceType.TEST && (device == null || isIndex(device))) {
                int index = device == null ? eye.id() : Integer.parseInt(device);
                if (index < pool.size()) {
                    device = pool.get(index).id();
                } else {
                    throw new IllegalStateException("cameras." + eye.key() + ": " + type.name().toLowerCase()
                            + " camera " + index + " not found (found " + pool.size() + "); run 'stereo check'");
                }
            }
            out.put(eye, ConfigOverrides.withSource(cam, type, device));
        }
        return ConfigOverrides.withSources(config, out.get(Eye.LEFT), out.get(Eye.RIGHT));
    }

    private static boolean isIndex(String device) {
        return device.chars().allMatch(Character::isDigit) && !device.isEmpty();
    }
}
