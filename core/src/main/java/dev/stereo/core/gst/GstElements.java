package dev.stereo.core.gst;

import org.freedesktop.gstreamer.ElementFactory;

/** Element registry look-ups that answer instead of throwing. */
public final class GstElements {

    private GstElements() {}

    /** Whether a plugin providing element {@code name} is installed. Gst must be initialised. */
    public static boolean exists(String name) {
        try {
            return ElementFactory.find(name) != null;
        } catch (IllegalArgumentException e) {
            return false; // gst1-java-core throws for unknown factories
        }
    }
}
