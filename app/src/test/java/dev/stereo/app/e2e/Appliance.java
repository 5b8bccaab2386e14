package dev.stereo.app.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code stereo.jar} started as a user would, as a child process, with a generated
 * config. Owns the process; {@link #close()} stops it (SIGTERM, then kill).
 */
final class Appliance implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("serving \\S+ on https://[^:]+:(\\d+)/");

    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private Appliance(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.add(line);
                    System.out.println("[stereo] " + line);
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            port.completeExceptionally(new IllegalStateException("stereo exited before serving:\n"
                    + String.join("\n", log)));
        }, "stereo-log");
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("stereo.jar", "target/stereo.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: run 'mvn verify' (the jar is built in package)");
        }
        return jar;
    }

    /** Runs stereo.jar with these arguments to completion; returns exit code and output. */
    static Result run(long timeoutSeconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("stereo " + String.join(" ", args) + " did not finish:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }

    record Result(int exitCode, String output) {}

    /** Starts serving with {@code config} and waits until it listens. */
    static Appliance start(Path config, String... extraArgs) throws Exception {
        return startWrapped(List.of(), config, extraArgs);
    }

    /** As {@link #start}, with the JVM started through {@code wrapper} (e.g. xvfb-run -a). */
    static Appliance startWrapped(List<String> wrapper, Path config, String... extraArgs) throws Exception {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of("java", "-Xmx512m", "-jar", jar().toString(),
                "--config", config.toString(), "--port", "0"));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Appliance a = new Appliance(p);
        try {
            a.port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            a.close();
            throw e;
        }
        return a;
    }

    int port() {
        return port.join();
    }

    String url() {
        return "https://127.0.0.1:" + port();
    }

    List<String> log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    /**
     * Stops the whole process tree: with a wrapper ({@code xvfb-run}) the JVM and Xvfb are its
     * children, and a SIGTERM to the wrapper alone left both running after the test (they kept
     * streaming, loading the machine for every later test).
     */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
