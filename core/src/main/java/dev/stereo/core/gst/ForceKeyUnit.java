package dev.stereo.core.gst;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.event.Event;
import org.freedesktop.gstreamer.glib.Natives;

/**
 * The upstream "force key unit" event every GStreamer video encoder obeys (x264enc, openh264enc,
 * v4l2h264enc). gst1-java-core has no binding for it, so it is made with libgstvideo through JNA.
 * Sending it upstream from any pad below the encoder makes the encoder's next frame an IDR with
 * SPS/PPS in front ("all-headers").
 */
public final class ForceKeyUnit {

    /** GST_CLOCK_TIME_NONE: "as soon as possible". */
    private static final long CLOCK_TIME_NONE = -1L;

    private interface VideoLib extends Library {
        Pointer gst_video_event_new_upstream_force_key_unit(long runningTime, boolean allHeaders, int count);
    }

    private interface CoreLib extends Library {
        boolean gst_pad_send_event(Pointer pad, Pointer event);
    }

    private static final class Libs {
        static final VideoLib VIDEO = Native.load("gstvideo-1.0", VideoLib.class);
        static final CoreLib CORE = Native.load("gstreamer-1.0", CoreLib.class);
    }

    private ForceKeyUnit() {}

    /**
     * Sends a force-key-unit event upstream through {@code pad} (a src pad of or below the
     * encoder, or a sink pad to send further up). Thread-safe; GStreamer takes ownership of the event.
     *
     * @return whether some element upstream handled the event
     */
    public static boolean requestUpstream(Pad pad) {
        Pointer event = Libs.VIDEO.gst_video_event_new_upstream_force_key_unit(CLOCK_TIME_NONE, true, 0);
        return Libs.CORE.gst_pad_send_event(Natives.getRawPointer(pad), event);
    }

    /** True for the upstream force-key-unit event (as sent by webrtcbin on PLI/FIR or by us). */
    public static boolean isForceKeyUnit(Event event) {
        var s = event.getStructure();
        return s != null && "GstForceKeyUnit".equals(s.getName());
    }
}
