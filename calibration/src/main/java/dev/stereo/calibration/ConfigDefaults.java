package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.ApplianceConfig;
import dev.stereo.calibration.StereoConfig.ButtonAction;
import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.Crop;
import dev.stereo.calibration.StereoConfig.Distortion;
import dev.stereo.calibration.StereoConfig.GpioConfig;
import dev.stereo.calibration.StereoConfig.Layout;
import dev.stereo.calibration.StereoConfig.ServerConfig;
import dev.stereo.calibration.StereoConfig.Size;
import dev.stereo.calibration.StereoConfig.SourceType;
import dev.stereo.calibration.StereoConfig.SpsPpsMode;
import dev.stereo.calibration.StereoConfig.StreamConfig;
import dev.stereo.calibration.StereoConfig.ThermalConfig;

import java.nio.file.Path;

/**
 * The built-in defaults: a Pi 5 with two IMX708 (Camera Module 3), each eye 1280x720 at 72 fps
 * scaled from the sensor's 1536x864 binned mode (same 16:9 field of view, so no crop is needed).
 * {@code config/camera_profiles.yaml} spells out exactly these values; a test keeps the two equal.
 * Immutable constants.
 */
final class ConfigDefaults {

    static final ServerConfig SERVER = new ServerConfig(
            "0.0.0.0", 8443, 8080, null, null, Path.of("/var/lib/stereo"), null, 4);

    // 72 Hz is the Quest's default refresh rate; matching it avoids judder from rate conversion.
    static final StreamConfig STREAM = new StreamConfig(1280, 720, 72, Layout.DUAL_TRACK);

    /**
     * Both eyes default alike; the camera is picked by eye (libcamera index 0 = left,
     * 1 = right) because device is null. One GOP per second at 72 fps, every keyframe an IDR.
     */
    static final CameraConfig CAMERA = new CameraConfig(
            SourceType.AUTO, null, new Size(1536, 864), Crop.NONE, false, false, 0, 0, 0,
            12.0, 72, 72, SpsPpsMode.EVERY_IDR, null, null, Distortion.NONE);

    /**
     * An eye's external encoder, when one is set: restart after 200 ms, doubling up to 5 s per
     * quick exit; a picture is sent when its bytes have stopped coming for 1 ms (rpicam-vid and
     * ffmpeg write each picture in one go), a frame earlier than waiting for the next one.
     */
    static final int EXTERNAL_BACKOFF_MIN_MS = 200;
    static final int EXTERNAL_BACKOFF_MAX_MS = 5000;
    static final int EXTERNAL_IDLE_FLUSH_MS = 1;

    /** No LED, no button: GPIO is not touched unless a pin is configured. */
    static final GpioConfig GPIO = new GpioConfig(null, false, null, true, ButtonAction.KEYFRAME, 2000);

    /**
     * The Pi 5 firmware starts throttling the CPU at 80 °C and hard-limits at 85 °C; stepping the
     * encoders down from 75 °C keeps the stream smooth instead of letting the firmware halve the
     * clock under it. 68 °C leaves a 7 °C band so the steps do not oscillate.
     */
    static final ThermalConfig THERMAL = new ThermalConfig(true,
            Path.of("/sys/class/thermal/thermal_zone0/temp"), 2, 75, 68, 10, 4, 30);

    static final ApplianceConfig APPLIANCE = new ApplianceConfig(false, GPIO, THERMAL);

    static final StereoConfig CONFIG = new StereoConfig(null, SERVER, STREAM, CAMERA, CAMERA, APPLIANCE);

    private ConfigDefaults() {}
}
