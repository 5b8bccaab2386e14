package dev.stereo.dualtrack;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.Eye;

import java.time.Duration;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Option2 settings beyond the encoder settings: the external encoders (from
 * {@code cameras.<eye>.external_encoder} through {@link #from}) and tuning that is not in
 * {@code camera_profiles.yaml}.
 *
 * @param external per eye, an external encoder command that replaces capture + FFmpeg encode for
 *     that eye (empty map: none)
 * @param codecs FFmpeg encoders to try, in order ({@link FfmpegEncoder#CANDIDATES})
 * @param viewerQueueUnits access units each viewer may have queued per eye before it falls back
 *     to waiting for an IDR (8 = about 110 ms at 72 fps)
 * @param keyframeMinIntervalMs least time between two forced IDRs per eye
 */
public record DualTrackOptions(Map<Eye, ExternalEncoderSettings> external, List<String> codecs,
                               int viewerQueueUnits, long keyframeMinIntervalMs) {

    public DualTrackOptions {
        Map<Eye, ExternalEncoderSettings> copy = new EnumMap<>(Eye.class);
        copy.putAll(external);
        external = Map.copyOf(copy);
        codecs = List.copyOf(codecs);
        if (viewerQueueUnits < 1) {
            throw new IllegalArgumentException("viewerQueueUnits must be >= 1");
        }
    }

    public static DualTrackOptions defaults() {
        return new DualTrackOptions(Map.of(), FfmpegEncoder.CANDIDATES, 8, 250);
    }

    /** The defaults, with each eye's {@code external_encoder} from {@code config}. */
    public static DualTrackOptions from(StereoConfig config) {
        DualTrackOptions o = defaults();
        for (Eye eye : Eye.values()) {
            StereoConfig.ExternalEncoderConfig e = config.camera(eye).externalEncoder();
            if (e != null) {
                o = o.withExternal(eye, new ExternalEncoderSettings(e.command(),
                        Duration.ofMillis(e.restartBackoffMinMs()), Duration.ofMillis(e.restartBackoffMaxMs()),
                        ExternalEncoderSettings.STABLE_AFTER, Duration.ofMillis(e.idleFlushMs())));
            }
        }
        return o;
    }

    /** These options with {@code eye} fed by an external encoder. */
    public DualTrackOptions withExternal(Eye eye, ExternalEncoderSettings settings) {
        Map<Eye, ExternalEncoderSettings> m = new EnumMap<>(Eye.class);
        m.putAll(external);
        m.put(eye, settings);
        return new DualTrackOptions(m, codecs, viewerQueueUnits, keyframeMinIntervalMs);
    }

    /** These options trying only {@code codecs}. */
    public DualTrackOptions withCodecs(List<String> codecs) {
        return new DualTrackOptions(external, codecs, viewerQueueUnits, keyframeMinIntervalMs);
    }
}
