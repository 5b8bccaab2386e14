package dev.stereo.app.thermal;

import dev.stereo.app.control.EncoderTargets;

import java.util.ArrayList;
import java.util.List;

/**
 * The steps thermal protection walks down and back up. Step 0 is the configured stream. Each step
 * down first lowers every eye's bitrate by {@link #FACTOR} (never below the minimum, never above
 * what was configured); once both eyes are at the minimum, further steps lower the frame rate by
 * the same factor down to the minimum frame rate. Bitrate goes first because it costs picture
 * detail, while fewer frames cost smoothness, which a headset user notices more.
 * Immutable.
 */
public final class ThrottleLadder {

    /** Each step keeps three quarters: 12 → 9 → 6.75 → 5.06 → 4 Mbit/s; 72 → 54 → 40 → 30 fps. */
    public static final double FACTOR = 0.75;

    private final List<EncoderTargets> steps;

    public ThrottleLadder(EncoderTargets base, double minMbps, int minFps) {
        List<EncoderTargets> s = new ArrayList<>();
        s.add(base);
        EncoderTargets t = base;
        while (t.leftMbps() > minMbps || t.rightMbps() > minMbps) {
            t = new EncoderTargets(down(t.leftMbps(), minMbps), down(t.rightMbps(), minMbps), t.fps());
            s.add(t);
        }
        while (t.fps() > minFps) {
            int fps = (int) Math.max(minFps, Math.round(t.fps() * FACTOR));
            t = new EncoderTargets(t.leftMbps(), t.rightMbps(), fps);
            s.add(t);
        }
        this.steps = List.copyOf(s);
    }

    private static double down(double mbps, double min) {
        if (mbps <= min) {
            return mbps; // configured below the minimum: never raised
        }
        // Rounded to 0.01 Mbit/s so status and logs read well; the minimum is exact.
        return Math.max(min, Math.round(mbps * FACTOR * 100) / 100.0);
    }

    /** The deepest step. */
    public int maxLevel() {
        return steps.size() - 1;
    }

    public EncoderTargets at(int level) {
        return steps.get(level);
    }

    public List<EncoderTargets> steps() {
        return steps;
    }
}
