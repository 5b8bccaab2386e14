/**
 * Configuration and calibration: loading and validating {@code config/camera_profiles.yaml}
 * ({@link dev.stereo.calibration.ConfigLoader} into {@link dev.stereo.calibration.StereoConfig},
 * problems as {@link dev.stereo.calibration.ConfigException}) and the per-eye rectification
 * maths and GLSL for GStreamer's glshader ({@link dev.stereo.calibration.RectifyShader}).
 * Pure Java, no native code; every public type is immutable or stateless and thread-safe.
 */
package dev.stereo.calibration;
