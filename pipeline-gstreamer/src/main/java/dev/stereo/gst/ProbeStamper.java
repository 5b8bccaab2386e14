package dev.stereo.gst;

import dev.stereo.core.Eye;
import dev.stereo.core.probe.ProbeStamp;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Clock;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeInfo;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.Pipeline;

import java.nio.ByteBuffer;

/**
 * Stamps the latency probe (PROBE.md) into each frame in place, after all geometry, so crop,
 * flip and scaling never distort the band. The capture time is the frame's PTS converted to the
 * epoch wall clock: the source set PTS at capture, so the stamp is the capture instant and both
 * eyes of one tick carry the same value.
 *
 * <p>Runs on the eye's streaming thread (a pad probe); holds no native resource of its own.
 */
final class ProbeStamper implements Pad.PROBE {

    private final Pipeline pipeline;
    private final Eye eye;
    private final int width;
    private final int height;

    ProbeStamper(Pipeline pipeline, Eye eye, int width, int height) {
        this.pipeline = pipeline;
        this.eye = eye;
        this.width = width;
        this.height = height;
    }

    @Override
    public PadProbeReturn probeCallback(Pad pad, PadProbeInfo info) {
        Buffer buffer = info.getBuffer();
        Clock clock = pipeline.getClock();
        if (buffer == null || clock == null) {
            return PadProbeReturn.OK;
        }
        long runningNow = clock.getTime() - pipeline.getBaseTime();
        long captureEpochMs = System.currentTimeMillis()
                - Math.max(0, runningNow - buffer.getPresentationTimestamp()) / 1_000_000L;
        ByteBuffer bytes = buffer.map(true);
        if (bytes != null) {
            try {
                ProbeStamp.stampI420(bytes, width, height, captureEpochMs, eye.id(), false);
            } finally {
                buffer.unmap();
            }
        }
        return PadProbeReturn.OK;
    }
}
