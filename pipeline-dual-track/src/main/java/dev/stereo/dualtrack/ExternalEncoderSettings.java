package dev.stereo.dualtrack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An eye fed by an external encoder process that writes Annex-B H.264 to stdout, e.g.
 * {@code rpicam-vid --camera 0 --inline --low-latency --codec h264 -t 0 -n -o -}. The YAML's
 * {@code cameras.<eye>.external_encoder} becomes one of these ({@link DualTrackOptions#from}).
 *
 * <p>Placeholders in the arguments are replaced from the eye's settings: {@code {width}},
 * {@code {height}}, {@code {fps}}, {@code {bitrate}} (bit/s), {@code {bitrate_kbps}},
 * {@code {gop}}, {@code {camera}} (the eye's device, else its index 0/1).
 *
 * @param command program and arguments (no shell); must write the elementary stream with
 *     SPS/PPS in front of every IDR ({@code --inline} for rpicam-vid)
 * @param minBackoff wait before the first restart after the process exits
 * @param maxBackoff longest wait between restarts (the wait doubles per quick exit)
 * @param stableAfter a process that ran this long resets the wait to {@code minBackoff}
 * @param idleFlush when the pipe has been quiet this long after a read, the picture read so far
 *     is taken as complete and sent at once instead of when the next picture starts (one frame
 *     less latency; assumes the encoder writes each picture in one go, as rpicam-vid and ffmpeg
 *     do). {@link Duration#ZERO} turns it off.
 */
public record ExternalEncoderSettings(List<String> command, Duration minBackoff, Duration maxBackoff,
                                      Duration stableAfter, Duration idleFlush) {

    public ExternalEncoderSettings {
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("external encoder command is empty");
        }
        command = List.copyOf(command);
        if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be 0 <= min <= max");
        }
    }

    /** A run at least this long resets the restart wait to its minimum. */
    public static final Duration STABLE_AFTER = Duration.ofSeconds(10);

    /** {@code command} with the defaults: restart after 200 ms doubling to 5 s, idle flush 1 ms. */
    public static ExternalEncoderSettings of(List<String> command) {
        return new ExternalEncoderSettings(command, Duration.ofMillis(200), Duration.ofSeconds(5),
                STABLE_AFTER, Duration.ofMillis(1));
    }

    /** The command with placeholders replaced. */
    List<String> expand(Map<String, String> values) {
        List<String> out = new ArrayList<>(command.size());
        for (String arg : command) {
            String a = arg;
            for (Map.Entry<String, String> e : values.entrySet()) {
                a = a.replace("{" + e.getKey() + "}", e.getValue());
            }
            out.add(a);
        }
        return out;
    }

    /** The program's file name, for status ("rpicam-vid"). */
    String program() {
        String p = command.get(0);
        int slash = p.lastIndexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }
}
