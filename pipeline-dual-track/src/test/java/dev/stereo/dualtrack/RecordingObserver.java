package dev.stereo.dualtrack;

import dev.stereo.core.metrics.MediaObserver;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Counts every event by "kind track [reason]" and keeps the durations reported (tests). */
final class RecordingObserver implements MediaObserver {

    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    final List<Long> encodeNanos = new CopyOnWriteArrayList<>();
    final List<Long> captureToSendNanos = new CopyOnWriteArrayList<>();

    long count(String key) {
        AtomicLong n = counts.get(key);
        return n == null ? 0 : n.get();
    }

    private void add(String key, long n) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
    }

    @Override
    public void frameCaptured(String eye) {
        add("captured " + eye, 1);
    }

    @Override
    public void frameEncoded(String track, long bytes) {
        add("encoded " + track, 1);
        add("bytes " + track, bytes);
    }

    @Override
    public void encodeDuration(String track, long nanos) {
        encodeNanos.add(nanos);
    }

    @Override
    public void frameSent(String track, long captureToSendNanos) {
        add("sent " + track, 1);
        this.captureToSendNanos.add(captureToSendNanos);
    }

    @Override
    public void framesDropped(String track, String reason, long count) {
        add("dropped " + track + " " + reason, count);
    }

    @Override
    public void keyframeRequested(String track, String reason) {
        add("requested " + track + " " + reason, 1);
    }

    @Override
    public void keyframeProduced(String track, String reason) {
        add("produced " + track + " " + reason, 1);
    }

    @Override
    public String toString() {
        return new java.util.TreeMap<>(counts).toString();
    }
}
