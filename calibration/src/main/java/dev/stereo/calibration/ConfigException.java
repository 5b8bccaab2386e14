package dev.stereo.calibration;

import dev.stereo.core.StereoException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link ConfigLoader} when a configuration cannot be used. It carries every problem
 * found in one pass, so the user fixes the whole file in one go instead of one error per run.
 * {@link #getMessage()} lists them one per line in file order, e.g.
 * <pre>
 * camera_profiles.yaml:23: cameras.left.bitrate_mbps = "abc": expected a number between 0.1 and 100
 * camera_profiles.yaml:31: cameras.right.flip_horizonal: unknown key, did you mean "flip_horizontal"? ...
 * </pre>
 * Callers (the CLI, {@code stereo check}, a config reload endpoint) can print the message as is
 * or render {@link #errors()} themselves. Immutable.
 */
public class ConfigException extends StereoException {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    /** @param errors at least one error, in the order they should be shown */
    public ConfigException(List<ConfigError> errors) {
        this(errors, null);
    }

    /** @param cause the underlying I/O or YAML failure, kept for logs */
    public ConfigException(List<ConfigError> errors, Throwable cause) {
        super(format(errors), cause);
        this.errors = List.copyOf(errors);
    }

    /** Every problem found, in file order (never empty). */
    public List<ConfigError> errors() {
        return errors;
    }

    private static String format(List<ConfigError> errors) {
        if (errors == null || errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        return errors.stream().map(ConfigError::message).collect(Collectors.joining("\n"));
    }
}
