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

    /**
     * System property multiplying every timeout of {@link #call}: the callers' timeouts suit a Pi
     * or a PC; under CPU emulation (scripts/arm64-smoke.sh) GStreamer runs 5-10x slower.
     */
    public static final String TIMEOUT_SCALE_PROPERTY = "stereo.gst.timeoutScale";

    private GstThread() {}

    /** {@code timeoutMs} times {@value #TIMEOUT_SCALE_PROPERTY} (a whole number, default and minimum 1). */
    static long scaled(long timeoutMs) {
        return timeoutMs * Math.max(1, Long.getLong(TIMEOUT_SCALE_PROPERTY, 1));
    }

    /**
     * Runs {@code task} on the Gst executor and waits for it (at most {@code timeoutMs}, scaled by
     * {@value #TIMEOUT_SCALE_PROPERTY}).
     */
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
        long limitMs = scaled(timeoutMs);
        try {
            return Gst.getExecutor().submit(task).get(limitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof StereoException se) {
                throw se;
            }
            throw new StereoException(c.getMessage() == null ? c.toString() : c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new StereoException("GStreamer did not answer within " + limitMs + " ms", e);
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
