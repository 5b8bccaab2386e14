package dev.stereo.core.gst;

import dev.stereo.core.StereoException;
import org.freedesktop.gstreamer.Gst;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs work on gst1-java-core's single executor thread, where every state change and dispose
 * happens, so that graph mutations never race each other. Calls from that thread run inline.
 */
public final class GstThread {

    private GstThread() {}

    /** Runs {@code task} on the Gst executor and waits for it (at most {@code timeoutMs}). */
    public static <T> T call(Callable<T> task, long timeoutMs) throws StereoException {
        if (Thread.currentThread().getName().startsWith("gstreamer service thread")) {
            try {
                return task.call();
            } catch (StereoException e) {
                throw e;
            } catch (Exception e) {
                throw new StereoException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }
        try {
            return Gst.getExecutor().submit(task).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof StereoException se) {
                throw se;
            }
            throw new StereoException(c.getMessage() == null ? c.toString() : c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new StereoException("GStreamer did not answer within " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StereoException("interrupted", e);
        }
    }

    /** Runs {@code task} on the Gst executor and waits; failures are returned, not thrown. */
    public static void run(Runnable task, long timeoutMs) throws StereoException {
        call(() -> {
            task.run();
            return null;
        }, timeoutMs);
    }
}
