package dev.stereo.calibration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accumulates {@link ConfigError}s during one load so that every problem is reported at once.
 * One instance per load; not thread-safe (a load runs on one thread).
 */
final class ErrorCollector {

    private final Path file;
    private final List<ConfigError> errors = new ArrayList<>();

    ErrorCollector(Path file) {
        this.file = file;
    }

    void add(int line, String fieldPath, String value, String expected) {
        errors.add(new ConfigError(file, line, fieldPath, value, expected));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Throws one exception listing every error in file order, if there is any. */
    void throwIfAny() throws ConfigException {
        if (!errors.isEmpty()) {
            List<ConfigError> sorted = new ArrayList<>(errors);
            // Stable sort: errors on the same line keep the order they were found in.
            sorted.sort(Comparator.comparingInt(ConfigError::line));
            throw new ConfigException(sorted);
        }
    }
}
