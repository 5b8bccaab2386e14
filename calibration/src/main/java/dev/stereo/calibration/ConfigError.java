package dev.stereo.calibration;

import java.nio.file.Path;

/**
 * One problem found in a configuration file, located precisely enough for the user to fix it
 * without reading any documentation. Collected by {@link ConfigLoader} and carried by
 * {@link ConfigException}; immutable and thread-safe.
 *
 * @param file the file as given to the loader (printed exactly like that), or null for text
 *             that did not come from a file
 * @param line 1-based line of the offending value (or key), 0 when no line applies (for example
 *             an unreadable file)
 * @param fieldPath dotted snake_case path of the field, e.g. {@code cameras.left.bitrate_mbps};
 *                  empty for problems that are not about one field (YAML syntax, unreadable file)
 * @param value the value exactly as written in the file, or null when there is none to show
 *              (unknown key, syntax error, a missing companion field)
 * @param expected what the loader expected there, phrased to follow "expected", e.g.
 *                 {@code a number between 0.1 and 100}; when {@code value} is null this is the
 *                 whole explanation instead (e.g. {@code unknown key, did you mean ...})
 */
public record ConfigError(Path file, int line, String fieldPath, String value, String expected) {

    private static final int MAX_VALUE_CHARS = 60;

    public ConfigError {
        fieldPath = fieldPath == null ? "" : fieldPath;
        expected = expected == null ? "" : expected;
    }

    /**
     * The one-line, user-facing form, e.g.
     * {@code camera_profiles.yaml:23: cameras.left.bitrate_mbps = "abc": expected a number between 0.1 and 100}.
     */
    public String message() {
        StringBuilder sb = new StringBuilder(location()).append(": ");
        if (!fieldPath.isEmpty()) {
            sb.append(fieldPath);
            if (value != null) {
                sb.append(" = ").append(quote(value)).append(": expected ");
            } else {
                sb.append(": ");
            }
        }
        return sb.append(expected).toString();
    }

    /** {@code file:line}, or just {@code file} when there is no line. */
    private String location() {
        String name = file == null ? "<config>" : file.toString();
        return line > 0 ? name + ":" + line : name;
    }

    /** Quotes the value the way it would be written in YAML; long values are shortened. */
    private static String quote(String v) {
        String s = v.length() > MAX_VALUE_CHARS ? v.substring(0, MAX_VALUE_CHARS) + "..." : v;
        s = s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t");
        return "\"" + s + "\"";
    }

    @Override
    public String toString() {
        return message();
    }
}
