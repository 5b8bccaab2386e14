package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.core.Eye;
import dev.stereo.core.StereoException;

/**
 * A running pipeline that can take an eye's new calibration (crop, flips, rotation, alignment
 * offset, intrinsics and distortion) without a restart and without dropping viewers: shader
 * uniforms or element properties. Implemented by pipelines next to
 * {@link dev.stereo.core.StereoPipeline}; the app calls it when the watched YAML changed.
 *
 * <p>Any thread; the implementation moves the work to its media thread and returns once applied.
 */
public interface LiveGeometry {

    /**
     * Applies {@code camera}'s geometry fields to the eye; every other field of it is ignored.
     *
     * @throws StereoException when this eye's graph cannot apply (some of) it live; the message
     *         says what and why (e.g. lens rectification needs the GL path: restart)
     */
    void applyGeometry(Eye eye, CameraConfig camera) throws StereoException;
}
