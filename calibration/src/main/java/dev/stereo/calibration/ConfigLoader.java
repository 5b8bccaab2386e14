package dev.stereo.calibration;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Loads and validates {@code config/camera_profiles.yaml} into a {@link StereoConfig}.
 *
 * <p>Called by the app at start-up and on reload, and by {@code stereo check}. Every key is
 * optional (absent keys and sections take the values of {@link #defaults()}); anything that is
 * written is checked, and all problems are reported together in one {@link ConfigException}
 * whose message names file, line, field, the value as written and what was expected.
 *
 * <p>Stateless and thread-safe: each call builds its own SnakeYAML instance (those are not).
 * The YAML is composed to a node tree, never constructed to objects, so only plain data is
 * ever read (no tags instantiate classes) and every value keeps its line number.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    /**
     * Reads and validates a configuration file.
     *
     * @param file the YAML file; error messages name it exactly as given
     * @return the validated configuration, with {@link StereoConfig#file()} = {@code file}
     * @throws ConfigException if the file is missing or unreadable, is not valid YAML, or any
     *                         value is wrong (all of them are listed)
     */
    public static StereoConfig load(Path file) throws ConfigException {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw fileError(file, "cannot read the configuration file: it does not exist", e);
        } catch (AccessDeniedException e) {
            throw fileError(file, "cannot read the configuration file: permission denied", e);
        } catch (CharacterCodingException e) {
            throw fileError(file, "cannot read the configuration file: it is not UTF-8 text", e);
        } catch (IOException e) {
            throw fileError(file, "cannot read the configuration file: " + e.getMessage(), e);
        }
        return parse(text, file);
    }

    /**
     * Validates configuration text, e.g. a config posted to an API or a test fixture.
     *
     * @param yamlText the YAML document; empty or only comments means all defaults
     * @param fileForMessages the name to print in errors and to store in
     *                        {@link StereoConfig#file()}; relative {@code tls_cert},
     *                        {@code tls_key} and {@code state_dir} are resolved against its
     *                        directory. May be null (then relative paths stay as written).
     * @throws ConfigException listing every problem found
     */
    public static StereoConfig parse(String yamlText, Path fileForMessages) throws ConfigException {
        Objects.requireNonNull(yamlText, "yamlText");
        ErrorCollector errors = new ErrorCollector(fileForMessages);
        Node root;
        try {
            root = newYaml().compose(new StringReader(yamlText));
        } catch (MarkedYAMLException e) {
            // Syntax errors stop the parser, so this is necessarily the only error reported.
            errors.add(lineOf(e.getProblemMark()), "", null, syntaxMessage(e));
            errors.throwIfAny();
            throw new AssertionError("unreachable");
        } catch (YAMLException e) {
            errors.add(0, "", null, "YAML error: " + e.getMessage());
            errors.throwIfAny();
            throw new AssertionError("unreachable");
        }
        StereoConfig config = ConfigReader.read(root, fileForMessages, errors);
        errors.throwIfAny();
        return config;
    }

    /**
     * The built-in configuration, identical to the shipped {@code config/camera_profiles.yaml}:
     * a Pi 5 with two IMX708 cameras, 1280x720 at 72 fps per eye from the 1536x864 sensor mode,
     * libcamera camera 0 as the left eye and 1 as the right. {@link StereoConfig#file()} is null.
     */
    public static StereoConfig defaults() {
        return ConfigDefaults.CONFIG;
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        // "<<: *common" lets users share settings between the eyes; merge it while composing so
        // the node tree (and its line numbers) already has the merged keys.
        options.setMergeOnCompose(true);
        return new Yaml(new SafeConstructor(options));
    }

    private static String syntaxMessage(MarkedYAMLException e) {
        StringBuilder sb = new StringBuilder("YAML syntax error: ");
        sb.append(e.getProblem() == null ? "cannot parse" : e.getProblem().strip());
        if (e.getContext() != null) {
            sb.append(" (").append(e.getContext().strip());
            if (e.getContextMark() != null && lineOf(e.getContextMark()) != lineOf(e.getProblemMark())) {
                sb.append(" that starts on line ").append(lineOf(e.getContextMark()));
            }
            sb.append(')');
        }
        return sb.toString();
    }

    private static int lineOf(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }

    private static ConfigException fileError(Path file, String message, Exception cause) {
        return new ConfigException(List.of(new ConfigError(file, 0, "", null, message)), cause);
    }
}
