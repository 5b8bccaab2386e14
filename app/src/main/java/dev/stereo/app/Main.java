package dev.stereo.app;

import picocli.CommandLine;

/**
 * Entry point of {@code stereo.jar}. Exit codes: 0 success, 1 runtime failure (a pipeline or the
 * server could not start, {@code check} found the machine unable to stream), 2 bad usage or an
 * invalid configuration file (nothing was started).
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        Logging.configure();
        CommandLine cli = new CommandLine(new StereoCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("stereo: " + (ex.getMessage() == null ? ex : ex.getMessage()));
            return ex instanceof UsageError ? 2 : 1;
        });
        int code = cli.execute(args);
        if (code != 0 || !StereoCommand.servingForever()) {
            System.exit(code);
        }
    }

    /** A failure of what the user asked for (bad config, unknown option value): exit code 2. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }
}
