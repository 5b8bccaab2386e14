package dev.stereo.app.config;

import dev.stereo.calibration.ConfigDiff;
import dev.stereo.calibration.ConfigException;
import dev.stereo.calibration.LiveGeometry;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.Eye;
import dev.stereo.core.StereoException;
import dev.stereo.web.LiveStream;
import dev.stereo.web.StreamChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Applies an edited configuration file to the running appliance. On {@link #reload()} the file is
 * loaded and validated again ({@code ConfigLoader}: every error with file:line); an invalid file
 * is logged as an error and the running configuration stays. A valid one is compared with what
 * runs ({@link ConfigDiff}):
 * <ul>
 * <li>an eye's geometry (crop, flips, rotation, offsets, intrinsics, distortion) goes to the
 *     pipeline live through {@link LiveGeometry};</li>
 * <li>{@code bitrate_mbps} and {@code stream.fps} become the new base stream targets, exactly like
 *     {@code POST /api/stream} (thermal protection steps down from them; a pipeline that cannot
 *     change its frame rate live refuses, and the frame rate then needs a restart);</li>
 * <li>everything else (sizes, layout, sources, encoder settings, server, GPIO, thermal) is logged
 *     as "needs a restart" and not applied: restarting under the viewers because a file was saved
 *     would surprise more than it helps. Restart the service (or long-press the button) to apply.</li>
 * </ul>
 * The result is the "config" section of {@code /api/status}.
 *
 * <p>Threads: {@link #reload()} runs on the watcher's thread (serialised here); {@link #status()}
 * from any thread.
 */
public final class ConfigReloader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    /** Loads and validates the file (the app adds its command-line overrides). */
    @FunctionalInterface
    public interface Loader {
        StereoConfig load(Path file) throws ConfigException;
    }

    private final Path file;
    private final Loader loader;
    private final LiveGeometry geometry;
    private final LiveStream targets;
    private final LongSupplier clockMillis;

    private StereoConfig running;          // guarded by this: what is in effect
    private long loadedAtMs;               // guarded by this
    private long checkedAtMs;              // guarded by this
    private String lastError;              // guarded by this
    private List<String> applied = List.of();      // guarded by this
    private List<String> notApplied = List.of();   // guarded by this
    private List<String> needsRestart = List.of(); // guarded by this
    private long reloads;                  // guarded by this

    /**
     * @param running  the configuration the appliance started with (command-line overrides applied)
     * @param geometry where geometry changes go (the restartable pipeline)
     * @param targets  where bitrate and frame rate changes go (the same path as POST /api/stream)
     */
    public ConfigReloader(Path file, Loader loader, StereoConfig running, LiveGeometry geometry, LiveStream targets,
                          LongSupplier clockMillis) {
        this.file = file;
        this.loader = loader;
        this.running = running;
        this.geometry = geometry;
        this.targets = targets;
        this.clockMillis = clockMillis;
        this.loadedAtMs = clockMillis.getAsLong();
    }

    /** Loads the file again and applies what can be applied live. Never throws. */
    public synchronized void reload() {
        checkedAtMs = clockMillis.getAsLong();
        StereoConfig loaded;
        try {
            loaded = loader.load(file);
        } catch (ConfigException e) {
            lastError = e.getMessage();
            LOG.error("{} changed but is invalid; the running configuration stays:\n{}", file, e.getMessage());
            return;
        }
        lastError = null;
        loadedAtMs = checkedAtMs;
        reloads++;
        ConfigDiff diff = ConfigDiff.between(running, loaded);
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Eye eye : Eye.values()) {
            if (!diff.geometry().contains(eye)) {
                continue;
            }
            // Recorded as running either way: the pipeline keeps what it could apply, and the
            // restartable pipeline starts the next one with it.
            running = running.withCamera(eye, running.camera(eye).withGeometryOf(loaded.camera(eye)));
            try {
                geometry.applyGeometry(eye, loaded.camera(eye));
                done.add("cameras." + eye.key() + " geometry");
            } catch (StereoException | RuntimeException e) {
                failed.add("cameras." + eye.key() + " geometry: " + e.getMessage());
            }
        }
        if (diff.bitrate() || diff.fps()) {
            StreamChange change = new StreamChange(
                    diff.bitrate() ? loaded.left().bitrateMbps() : null,
                    diff.bitrate() ? loaded.right().bitrateMbps() : null,
                    diff.fps() ? loaded.stream().fps() : null);
            try {
                targets.apply(change);
                running = running.withCamera(Eye.LEFT, running.left().withBitrate(loaded.left().bitrateMbps()))
                        .withCamera(Eye.RIGHT, running.right().withBitrate(loaded.right().bitrateMbps()))
                        .withFps(loaded.stream().fps());
                done.add((diff.bitrate() ? "bitrate_mbps" : "") + (diff.bitrate() && diff.fps() ? ", " : "")
                        + (diff.fps() ? "stream.fps" : ""));
            } catch (LiveStream.Refused e) {
                failed.add("stream targets: " + e.getMessage());
            }
        }
        applied = List.copyOf(done);
        notApplied = List.copyOf(failed);
        List<String> restart = ConfigDiff.between(running, loaded).needsRestart();
        if (!done.isEmpty()) {
            LOG.info("{} reloaded: applied live: {}", file, String.join("; ", done));
        }
        for (String f : failed) {
            LOG.warn("{} reloaded: not applied live: {}", file, f);
        }
        if (!restart.isEmpty() && !restart.equals(needsRestart)) {
            LOG.warn("{} reloaded: {} changed and needs a restart (not applied; restart the service to apply)", file,
                    String.join(", ", restart));
        }
        needsRestart = restart;
        if (diff.isEmpty()) {
            LOG.info("{} reloaded: nothing changed", file);
        }
    }

    /**
     * The "config" section of /api/status.
     *
     * @param file the watched file
     * @param loadedAt when it was last loaded successfully (start-up or a reload), ISO-8601
     * @param checkedAt when it was last read after a change, ISO-8601, or null
     * @param lastError why the last edit was rejected (file:line: field ...), or null when it was valid
     * @param applied what the last valid reload applied live
     * @param notApplied what it could not apply live, and why
     * @param needsRestart settings in the file that differ from what runs and need a restart
     */
    public record Status(String file, String loadedAt, String checkedAt, String lastError, long reloads,
                         List<String> applied, List<String> notApplied, List<String> needsRestart) {}

    public synchronized Status status() {
        return new Status(file.toString(), Instant.ofEpochMilli(loadedAtMs).toString(),
                checkedAtMs == 0 ? null : Instant.ofEpochMilli(checkedAtMs).toString(), lastError, reloads,
                applied, notApplied, needsRestart);
    }
}
