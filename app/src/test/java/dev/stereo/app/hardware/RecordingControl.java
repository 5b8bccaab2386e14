package dev.stereo.app.hardware;

import dev.stereo.app.control.EncoderTargets;
import dev.stereo.app.control.StreamControl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the button asked for. */
final class RecordingControl implements StreamControl {

    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void setEncoderTargets(EncoderTargets targets) {
        calls.add("targets " + targets);
    }

    @Override
    public void requestKeyframe() {
        calls.add("keyframe");
    }

    @Override
    public void toggleLayout() {
        calls.add("layout");
    }

    @Override
    public void restart() {
        calls.add("restart");
    }

    /** Waits until n calls were recorded (actions run on the button's own thread). */
    List<String> await(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (calls.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return List.copyOf(calls);
    }
}
