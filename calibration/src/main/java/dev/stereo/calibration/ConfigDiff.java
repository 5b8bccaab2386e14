package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.core.Eye;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between the running configuration and a reloaded one, sorted by how it can be
 * applied: per-eye geometry (crop, flips, rotation, alignment offset, intrinsics, distortion)
 * live through {@link LiveGeometry}; bitrate and frame rate live through the stream targets (the
 * pipeline may still refuse a frame rate); everything else only by a restart. Pure and immutable.
 *
 * @param geometry eyes whose geometry changed
 * @param bitrate true when either eye's {@code bitrate_mbps} changed
 * @param fps true when {@code stream.fps} changed
 * @param needsRestart dotted YAML paths of the other changed settings, in file order
 */
public record ConfigDiff(Set<Eye> geometry, boolean bitrate, boolean fps, List<String> needsRestart) {

    public ConfigDiff {
        geometry = geometry.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(geometry));
        needsRestart = List.copyOf(needsRestart);
    }

    /** True when nothing differs. */
    public boolean isEmpty() {
        return geometry.isEmpty() && !bitrate && !fps && needsRestart.isEmpty();
    }

    public static ConfigDiff between(StereoConfig running, StereoConfig loaded) {
        List<String> restart = new ArrayList<>();
        var rs = running.server();
        var ls = loaded.server();
        check(restart, "server.bind", rs.bind(), ls.bind());
        check(restart, "server.port", rs.port(), ls.port());
        check(restart, "server.http_port", rs.httpPort(), ls.httpPort());
        check(restart, "server.tls_cert", rs.tlsCert(), ls.tlsCert());
        check(restart, "server.tls_key", rs.tlsKey(), ls.tlsKey());
        check(restart, "server.state_dir", rs.stateDir(), ls.stateDir());
        check(restart, "server.token", rs.token(), ls.token());
        check(restart, "server.max_viewers", rs.maxViewers(), ls.maxViewers());
        check(restart, "stream.width", running.stream().width(), loaded.stream().width());
        check(restart, "stream.height", running.stream().height(), loaded.stream().height());
        check(restart, "stream.layout", running.stream().layout(), loaded.stream().layout());
        Set<Eye> geometry = EnumSet.noneOf(Eye.class);
        boolean bitrate = false;
        for (Eye eye : Eye.values()) {
            CameraConfig r = running.camera(eye);
            CameraConfig l = loaded.camera(eye);
            String p = "cameras." + eye.key() + ".";
            check(restart, p + "source", r.source(), l.source());
            check(restart, p + "device", r.device(), l.device());
            check(restart, p + "capture", r.capture(), l.capture());
            check(restart, p + "gop_frames", r.gopFrames(), l.gopFrames());
            check(restart, p + "idr_interval", r.idrInterval(), l.idrInterval());
            check(restart, p + "sps_pps_mode", r.spsPpsMode(), l.spsPpsMode());
            check(restart, p + "output_size", r.outputSize(), l.outputSize());
            check(restart, p + "external_encoder", r.externalEncoder(), l.externalEncoder());
            if (!geometryOf(r).equals(geometryOf(l))) {
                geometry.add(eye);
            }
            bitrate |= r.bitrateMbps() != l.bitrateMbps();
        }
        check(restart, "reclaim_on_start", running.appliance().reclaimOnStart(), loaded.appliance().reclaimOnStart());
        check(restart, "gpio", running.appliance().gpio(), loaded.appliance().gpio());
        check(restart, "thermal", running.appliance().thermal(), loaded.appliance().thermal());
        return new ConfigDiff(geometry, bitrate, running.stream().fps() != loaded.stream().fps(), restart);
    }

    /** The fields {@link LiveGeometry} applies, for comparison. */
    private static List<Object> geometryOf(CameraConfig c) {
        return java.util.Arrays.asList(c.crop(), c.flipHorizontal(), c.flipVertical(), c.rotation(), c.offsetX(),
                c.offsetY(), c.intrinsics(), c.distortion());
    }

    private static void check(List<String> out, String path, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(path);
        }
    }
}
