package dev.stereo.app;

import dev.stereo.calibration.ConfigException;
import dev.stereo.calibration.ConfigLoader;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.SourceType;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** Options every command shares: which pipeline, which config, which source, which port. */
public final class SharedOptions {

    /** Looked for in this order when --config is not given. */
    static final Path[] DEFAULT_CONFIGS = {Path.of("/etc/stereo/camera_profiles.yaml"),
        Path.of("config/camera_profiles.yaml")};

    @Option(names = "--pipeline", paramLabel = "option3|option2", defaultValue = "option3",
            description = "option3: the whole media path in one GStreamer graph (default). "
                    + "option2: encode per eye in Java (FFmpeg) and pass encoded frames through to viewers.")
    String pipeline;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Camera profiles YAML. Default: /etc/stereo/camera_profiles.yaml, else "
                    + "./config/camera_profiles.yaml, else built-in defaults (Pi 5, two IMX708, 1280x720@72).")
    Path config;

    @Option(names = "--source", paramLabel = "auto|test|libcamera|v4l2",
            description = "Override the cameras' source for both eyes. auto: libcamera cameras when present, "
                    + "else V4L2 capture devices, else the built-in test source (which stamps the latency probe).")
    SourceType source;

    @Option(names = {"-p", "--port"}, paramLabel = "N", description = "HTTPS port (overrides server.port; 0 = any free port).")
    Integer port;

    /** Loads, overrides and resolves the configuration; errors become exit code 2. */
    StereoConfig loadConfig() {
        StereoConfig loaded;
        try {
            Path file = config != null ? config : firstExisting();
            if (config != null && !Files.exists(config)) {
                throw new Main.UsageError(config + ": no such file");
            }
            loaded = file == null ? ConfigLoader.defaults() : ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new Main.UsageError(e.getMessage());
        }
        return ConfigOverrides.apply(loaded, source, port);
    }

    /** Loads the file again with the same command-line overrides (for a live reload). */
    StereoConfig reload(Path file) throws ConfigException {
        return ConfigOverrides.apply(ConfigLoader.load(file), source, port);
    }

    private static Path firstExisting() {
        for (Path p : DEFAULT_CONFIGS) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
