package dev.stereo.camera.reclaim;

/**
 * One thing a process holds that keeps the cameras from us.
 *
 * @param kind {@code "device"} (a camera device node open or mapped) or {@code "library"} (a
 *             libcamera library mapped: the process may have acquired a camera through it)
 * @param path the device node or library file
 * @param how  how it is held, e.g. {@code "fd 3, 7"}, {@code "mapped"} or {@code "loaded"}
 */
public record HeldResource(String kind, String path, String how) {

    @Override
    public String toString() {
        return kind.equals("library") ? "libcamera " + path + " (" + how + ")" : path + " (" + how + ")";
    }
}
