package dev.stereo.gst;

import dev.stereo.core.Eye;
import dev.stereo.core.metrics.MediaObserver;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.BufferFlags;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The option3 graph's measuring points, as pad probes and signal handlers that report to the
 * pipeline's {@link MediaObserver}: frames out of each source, the leaky queue in front of each
 * encoder (drops: "encoder_busy"), the encoder's input and output (encode time, bytes, keyframes
 * and the request each one served). Viewer branches are measured by {@link GraphViewer}.
 *
 * <p>Every method returns the probes and callbacks it installed: the caller must hold them as
 * long as the graph lives (a collected callback unhooks or crashes the streaming thread). Runs
 * on the Gst executor while building; the probes then run on streaming threads.
 */
final class TrackProbes {

    private TrackProbes() {}

    /** Counts the raw frames leaving the eye's source element ({@code src_<eye>}). */
    static List<Object> attachCapture(Pipeline pipeline, Eye eye, Supplier<MediaObserver> observer) {
        Element src = pipeline.getElementByName("src_" + eye.key());
        Pad pad = src == null ? null : src.getStaticPad("src");
        if (pad == null) {
            return List.of();
        }
        String key = eye.key();
        Pad.PROBE captured = (p, info) -> {
            observer.get().frameCaptured(key);
            return PadProbeReturn.OK;
        };
        pad.addProbe(PadProbeType.BUFFER, captured);
        return List.of(captured);
    }

    /** Encoder queue drops, encode time, encoded bytes and keyframes of one track. */
    static List<Object> attach(GraphPipeline owner, Pipeline pipeline, GraphPipeline.Track t) {
        Supplier<MediaObserver> observer = owner::observer;
        List<Object> keep = new ArrayList<>();
        String key = t.metricKey;
        Element queue = pipeline.getElementByName("encq_" + t.name);
        if (queue != null) {
            keep.add(LeakyQueueDrops.watch(queue,
                    () -> observer.get().framesDropped(key, MediaObserver.DROP_ENCODER_BUSY, 1)));
        }
        Pad.PROBE in = (pad, info) -> {
            long pts = info.getBuffer().getPresentationTimestamp();
            long now = System.nanoTime();
            long since = owner.sinceCapture(pts);
            t.encodeStarts.put(pts, new long[] {now, since < 0 ? -1 : now - since});
            return PadProbeReturn.OK;
        };
        Pad.PROBE out = (pad, info) -> {
            MediaObserver o = observer.get();
            Buffer b = info.getBuffer();
            long pts = b.getPresentationTimestamp();
            long[] start = matchInput(t, pts);
            if (start != null) {
                o.encodeDuration(key, System.nanoTime() - start[0]);
                t.captureByPts.put(pts, start[1]);
            }
            o.frameEncoded(key, size(b));
            if (!b.getFlags().contains(BufferFlags.DELTA_UNIT)) {
                String reason = t.forcedReason;
                t.forcedReason = null;
                o.keyframeProduced(key, reason == null ? MediaObserver.KEYFRAME_INTERVAL : reason);
            }
            return PadProbeReturn.OK;
        };
        t.encoder.getStaticPad("sink").addProbe(PadProbeType.BUFFER, in);
        t.encoder.getStaticPad("src").addProbe(PadProbeType.BUFFER, out);
        keep.add(in);
        keep.add(out);
        return keep;
    }

    /**
     * The input frame an output access unit came from. The first output fixes the encoder's
     * constant PTS shift (it is the oldest frame in: no B-frames, so output order is input order);
     * later ones are matched by PTS, so a frame the encoder skipped cannot misalign the rest.
     */
    private static long[] matchInput(GraphPipeline.Track t, long outPts) {
        if (t.ptsOffset == Long.MIN_VALUE) {
            synchronized (t.encodeStarts) {
                var it = t.encodeStarts.keySet().iterator();
                if (!it.hasNext()) {
                    return null;
                }
                t.ptsOffset = outPts - it.next();
            }
        }
        return t.encodeStarts.remove(outPts - t.ptsOffset);
    }

    /** A small thread-safe map that forgets its oldest entry beyond {@code capacity}. */
    static <K, V> Map<K, V> bounded(int capacity) {
        return Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
    }

    /** The buffer's size in bytes (gst1-java-core has no getter; mapping for read does not copy). */
    static long size(Buffer b) {
        try {
            return b.map(false).remaining();
        } finally {
            b.unmap();
        }
    }
}
