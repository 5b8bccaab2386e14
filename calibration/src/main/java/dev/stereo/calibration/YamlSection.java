package dev.stereo.calibration;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One YAML mapping of the configuration (e.g. {@code cameras.left}) with typed, validating
 * getters. Works on SnakeYAML's composed {@link Node} tree rather than constructed Java maps
 * because only nodes keep their line numbers.
 *
 * <p>Every getter returns the default when the key is absent. When a value is present but
 * wrong, the getter records a {@link ConfigError} and still returns the default, so reading goes
 * on and every mistake in the file is reported in one pass. Keys that failed are remembered
 * ({@link #ok}) so cross-field checks do not pile a second, misleading error on top.
 *
 * <p>Used only by {@link ConfigReader}, one load at a time; not thread-safe.
 */
final class YamlSection {

    private static final Pattern DECIMAL_INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern HEX_INT = Pattern.compile("[-+]?0x[0-9a-fA-F]+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Set<String> TRUE = Set.of("true", "yes", "on");
    private static final Set<String> FALSE = Set.of("false", "no", "off");

    private final ErrorCollector errors;
    private final String path;
    private final int line;
    private final boolean present;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> invalid = new HashSet<>();

    private YamlSection(ErrorCollector errors, String path, int line, boolean present) {
        this.errors = errors;
        this.path = path;
        this.line = line;
        this.present = present;
    }

    /**
     * Reads {@code node} as the mapping at {@code path}. A missing or null node is an empty
     * section (all defaults), so a section whose children are all commented out still works.
     *
     * @param fallbackLine line to blame for problems of the section as a whole when it is absent
     */
    static YamlSection read(ErrorCollector errors, String path, Node node, int fallbackLine,
                            List<String> allowedKeys) {
        if (node == null || isNull(node)) {
            return new YamlSection(errors, path, fallbackLine, false);
        }
        // A non-mapping counts as absent so its keys are not reported missing one by one.
        YamlSection section = new YamlSection(errors, path, lineOf(node), node instanceof MappingNode);
        if (!(node instanceof MappingNode mapping)) {
            String expected = "a mapping with the keys " + String.join(", ", allowedKeys);
            if (path.isEmpty()) {
                errors.add(section.line, "", null, "expected the document to be " + expected);
            } else {
                errors.add(section.line, path, written(node), expected);
            }
            return section;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            section.addEntry(tuple, allowedKeys);
        }
        return section;
    }

    private void addEntry(NodeTuple tuple, List<String> allowedKeys) {
        Node keyNode = tuple.getKeyNode();
        if (!(keyNode instanceof ScalarNode scalarKey)) {
            errors.add(lineOf(keyNode), path, null, "keys must be plain names, found a "
                    + (keyNode instanceof SequenceNode ? "list" : "mapping") + " used as a key");
            return;
        }
        String key = scalarKey.getValue();
        if (!allowedKeys.contains(key)) {
            String hint = KeySuggester.suggest(key, allowedKeys)
                    .map(s -> " did you mean \"" + s + "\"?").orElse("");
            errors.add(lineOf(keyNode), field(key), null,
                    "unknown key," + hint + " Allowed keys: " + String.join(", ", allowedKeys));
            return;
        }
        NodeTuple first = entries.get(key);
        if (first != null) {
            // SnakeYAML's composer keeps duplicates; the last would silently win. Say so instead.
            errors.add(lineOf(keyNode), field(key), null,
                    "duplicate key, already set on line " + lineOf(first.getKeyNode()));
            return;
        }
        entries.put(key, tuple);
    }

    // ---- location helpers ----------------------------------------------------------------

    /** Dotted path of a key in this section, e.g. {@code cameras.left.crop.x}. */
    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String path() {
        return path;
    }

    /** Line of the section itself (its first value), or of its parent when absent. */
    int line() {
        return line;
    }

    /** True when the section was written in the file as a mapping (not absent, null or wrong). */
    boolean isPresent() {
        return present;
    }

    /** True when the key is written with a non-null value. */
    boolean has(String key) {
        Node n = node(key);
        return n != null && !isNull(n);
    }

    /** Line of the key's value, or the section's line when the key is absent. */
    int line(String key) {
        Node n = node(key);
        return n == null ? line : lineOf(n);
    }

    /** True when none of the keys has produced an error so far. */
    boolean ok(String... keys) {
        return Arrays.stream(keys).noneMatch(invalid::contains);
    }

    /** Records an error about a key's value (shown as written) and marks the key failed. */
    void reject(String key, String expected) {
        Node n = node(key);
        errors.add(line(key), field(key), n == null ? null : written(n), expected);
        invalid.add(key);
    }

    /** Records an error about a key that is not shown with a value (e.g. a missing key). */
    void complain(String key, String message) {
        errors.add(line(key), field(key), null, message);
        invalid.add(key);
    }

    /** Records an error about the whole section, at its line. */
    void complainAboutSection(String message) {
        errors.add(line, path, null, message);
    }

    // ---- typed getters -------------------------------------------------------------------

    int integer(String key, int def, int min, int max) {
        return integer(key, def, min, max, "an integer between " + min + " and " + max);
    }

    int evenInteger(String key, int def, int min, int max) {
        String expected = "an even integer between " + min + " and " + max;
        int v = integer(key, def, min, max, expected);
        if (v % 2 != 0 && ok(key)) {
            // Odd sizes break 4:2:0 chroma subsampling in the encoders.
            reject(key, expected);
            return def;
        }
        return v;
    }

    /** An integer limited to a few values, e.g. rotation 0 or 180. */
    int integerOneOf(String key, int def, int... allowed) {
        String expected = Arrays.stream(allowed).mapToObj(Integer::toString)
                .collect(Collectors.joining(" or "));
        Node n = scalarFor(key, expected);
        if (n == null) {
            return def;
        }
        Long v = parseInteger(((ScalarNode) n).getValue());
        if (v == null || Arrays.stream(allowed).noneMatch(a -> a == v)) {
            reject(key, expected);
            return def;
        }
        return v.intValue();
    }

    int integer(String key, int def, int min, int max, String expected) {
        Node n = scalarFor(key, expected);
        if (n == null) {
            return def;
        }
        Long v = parseInteger(((ScalarNode) n).getValue());
        if (v == null || v < min || v > max) {
            reject(key, expected);
            return def;
        }
        return v.intValue();
    }

    double number(String key, double def, double min, double max) {
        return number(key, def, min, max, "a number between " + plain(min) + " and " + plain(max));
    }

    double number(String key, double def, double min, double max, String expected) {
        Node n = scalarFor(key, expected);
        if (n == null) {
            return def;
        }
        Double v = parseNumber(((ScalarNode) n).getValue());
        if (v == null || v < min || v > max) {
            reject(key, expected);
            return def;
        }
        return v;
    }

    boolean bool(String key, boolean def) {
        String expected = "true or false";
        Node n = scalarFor(key, expected);
        if (n == null) {
            return def;
        }
        String text = ((ScalarNode) n).getValue().toLowerCase(Locale.ROOT);
        if (TRUE.contains(text)) {
            return true;
        }
        if (FALSE.contains(text)) {
            return false;
        }
        reject(key, expected);
        return def;
    }

    /**
     * Any scalar as text (so {@code device: 0} reads as "0"). Null or absent gives the default
     * when {@code nullable}; an explicit null on a non-nullable key is an error.
     */
    String string(String key, String def, boolean nullable, String expected) {
        Node n = node(key);
        if (n == null) {
            return def;
        }
        if (isNull(n)) {
            if (nullable) {
                return null;
            }
            reject(key, expected);
            return def;
        }
        if (!(n instanceof ScalarNode scalar)) {
            reject(key, expected);
            return def;
        }
        return scalar.getValue();
    }

    /**
     * A list of scalars as text, in flow ({@code [a, b]}) or block ({@code - a}) style; null when
     * absent. A non-list, an item that is not a scalar, or an item {@code itemProblem} objects
     * to (it returns what was expected, or null when the item is fine) is reported at that
     * item's own line as {@code key[index]}, and the whole key then reads as null.
     *
     * @param itemExpected what a non-scalar item should have been
     */
    java.util.List<String> stringList(String key, String expected, String itemExpected,
                                      java.util.function.BiFunction<Integer, String, String> itemProblem) {
        Node n = node(key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof SequenceNode seq)) {
            reject(key, expected);
            return null;
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        boolean bad = false;
        for (Node item : seq.getValue()) {
            int index = out.size();
            String problem = !(item instanceof ScalarNode scalar) || isNull(item)
                    ? itemExpected
                    : itemProblem.apply(index, scalar.getValue());
            if (problem != null) {
                errors.add(lineOf(item), field(key) + "[" + index + "]", written(item), problem);
                bad = true;
            }
            out.add(item instanceof ScalarNode scalar ? scalar.getValue() : null);
        }
        if (bad) {
            invalid.add(key);
            return null;
        }
        return out;
    }

    /** A file system path; relative paths are resolved against {@code base} when it is set. */
    Path path(String key, Path def, boolean nullable, Path base, String expected) {
        Node n = node(key);
        if (n == null) {
            return def;
        }
        if (isNull(n)) {
            if (nullable) {
                return null;
            }
            reject(key, expected);
            return def;
        }
        String text = string(key, null, nullable, expected);
        if (text == null) {
            return def; // not a scalar: string() has reported it
        }
        if (text.isBlank()) {
            reject(key, expected);
            return def;
        }
        try {
            Path p = Path.of(text);
            return base != null && !p.isAbsolute() ? base.resolve(p).normalize() : p;
        } catch (InvalidPathException e) {
            reject(key, expected);
            return def;
        }
    }

    /** One of a fixed set of words, matched case-insensitively. */
    <E> E choice(String key, E def, Map<String, E> byWord) {
        String expected = "one of " + String.join(", ", byWord.keySet());
        Node n = scalarFor(key, expected);
        if (n == null) {
            return def;
        }
        String text = ((ScalarNode) n).getValue();
        E v = byWord.get(text.toLowerCase(Locale.ROOT));
        if (v == null) {
            String hint = KeySuggester.suggest(text, byWord.keySet())
                    .map(s -> " (did you mean \"" + s + "\"?)").orElse("");
            reject(key, expected + hint);
            return def;
        }
        return v;
    }

    /** A child mapping; absent or null gives an empty section so every key takes its default. */
    YamlSection section(String key, List<String> allowedKeys) {
        Node n = node(key);
        YamlSection child = read(errors, field(key), n, line(key), allowedKeys);
        if (n != null && !isNull(n) && !(n instanceof MappingNode)) {
            invalid.add(key);
        }
        return child;
    }

    // ---- internals ----------------------------------------------------------------------

    private Node node(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    /**
     * The key's node if it holds a usable scalar; null if absent (use the default). A null or
     * non-scalar value is recorded as an error and also returns null.
     */
    private Node scalarFor(String key, String expected) {
        Node n = node(key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof ScalarNode) || isNull(n)) {
            reject(key, expected);
            return null;
        }
        return n;
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
    }

    static int lineOf(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    /** The value as the user wrote it; collections are abbreviated, the line says where. */
    static String written(Node n) {
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        return n instanceof SequenceNode ? "[...]" : "{...}";
    }

    /** YAML integers as people write them: 72, +3, -40, 1_000, 0x20. */
    static Long parseInteger(String text) {
        String t = text.strip().replace("_", "");
        try {
            if (DECIMAL_INT.matcher(t).matches()) {
                return Long.parseLong(t);
            }
            if (HEX_INT.matcher(t).matches()) {
                boolean negative = t.startsWith("-");
                long v = Long.parseLong(t.substring(t.indexOf('x') + 1), 16);
                return negative ? -v : v;
            }
        } catch (NumberFormatException tooLong) {
            return null;
        }
        return null;
    }

    /** Finite decimal numbers only; YAML's .inf and .nan are never sensible settings here. */
    static Double parseNumber(String text) {
        String t = text.strip().replace("_", "");
        if (!DECIMAL.matcher(t).matches()) {
            return null;
        }
        double v = Double.parseDouble(t);
        return Double.isFinite(v) ? v : null;
    }

    /** 100.0 as "100", 0.1 as "0.1": limits read the way the user would write them. */
    static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
