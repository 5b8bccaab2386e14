package dev.stereo.gst;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import org.freedesktop.gstreamer.Element;

/**
 * Counts what a leaky {@code queue} drops. A queue says nothing when it leaks, but it emits
 * {@code overrun} each time a buffer arrives to a full queue, just before it drops one
 * (leaky=downstream drops the oldest, upstream the new one): with a buffer-count limit that is
 * exactly one drop per signal.
 *
 * <p>The returned handle holds the native callback: keep it strongly referenced as long as the
 * queue lives (a collected callback would crash the streaming thread that calls it). The
 * callback runs on the queue's upstream streaming thread and must not block.
 */
final class LeakyQueueDrops {

    private LeakyQueueDrops() {}

    /** The signal's C signature: {@code void (*)(GstQueue *queue, gpointer user_data)}. */
    public interface OverrunCallback extends Callback {
        void callback(Pointer queue, Pointer userData);
    }

    /** Calls {@code onDrop} on every buffer the queue drops; returns the handle to keep alive. */
    static Object watch(Element queue, Runnable onDrop) {
        OverrunCallback cb = (q, data) -> onDrop.run();
        queue.connect("overrun", OverrunCallback.class, cb, cb);
        return cb;
    }
}
