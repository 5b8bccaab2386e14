package dev.stereo.camera;

/**
 * A camera found by {@link CameraDiscovery}, described without opening it.
 *
 * @param kind {@link #LIBCAMERA} or {@link #V4L2}
 * @param id how to address it: the libcamera camera id (the {@code camera-name} of
 *     {@code libcamerasrc}, e.g. {@code /base/axi/pcie@120000/rp1/i2c@88000/imx708@1a}) or the
 *     device node ({@code /dev/video0})
 * @param name short human-readable name (sensor model, or the V4L2 card name)
 * @param detail one line on what it is and how to use it, for {@code stereo check} and logs
 */
public record CameraInfo(String kind, String id, String name, String detail) {

    /** A camera managed by libcamera (on a Pi 5: every CSI camera). */
    public static final String LIBCAMERA = "libcamera";

    /** A V4L2 capture node. */
    public static final String V4L2 = "v4l2";

    /**
     * True for a Pi CSI-2 receiver node (Pi 5 {@code rp1-cfe}, Pi 4 {@code unicam}): it delivers
     * raw Bayer that needs an ISP, so it is a camera but not a usable plain-V4L2 source; open the
     * camera through libcamera instead.
     */
    public boolean isRawCsiNode() {
        return V4L2.equals(kind) && name != null && (name.startsWith("rp1-cfe") || name.startsWith("unicam"));
    }
}
