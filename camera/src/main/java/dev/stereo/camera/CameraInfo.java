package dev.stereo.camera;

/**
 * A camera found without opening it.
 *
 * @param kind "libcamera" or "v4l2"
 * @param id what the pipeline needs to open it (libcamera camera name, or V4L2 device path)
 * @param name human-readable model or driver name
 * @param detail extra facts for {@code stereo check}, or null
 */
public record CameraInfo(String kind, String id, String name, String detail) {}
