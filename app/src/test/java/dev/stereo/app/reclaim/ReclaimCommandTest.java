package dev.stereo.app.reclaim;

import dev.stereo.calibration.ConfigLoader;
import dev.stereo.camera.reclaim.CameraHolders;
import dev.stereo.camera.reclaim.Reclaimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stereo reclaim} against real processes that hold a fake camera device (a file in a temp
 * directory selected with --device-glob; libraries are ignored so nothing else on the machine is
 * ever touched).
 */
class ReclaimCommandTest {

    @TempDir
    Path tmp;
    Path dev;
    String glob;
    private final List<Process> children = new ArrayList<>();
    private final InputStream stdin = System.in;

    @BeforeEach
    void fakeDevices() throws IOException {
        dev = tmp.toRealPath().resolve("dev");
        Files.createDirectories(dev);
        Files.writeString(dev.resolve("video0"), "");
        glob = dev + "/video*";
    }

    @AfterEach
    void cleanUp() {
        System.setIn(stdin);
        children.forEach(Process::destroyForcibly);
    }

    record Run(int code, String out) {}

    private Run reclaim(String... args) {
        StringWriter sw = new StringWriter();
        PrintWriter pw = new PrintWriter(sw, true);
        List<String> all = new ArrayList<>(List.of("--device-glob", glob, "--library-glob", "none"));
        all.addAll(List.of(args));
        int code = new CommandLine(new ReclaimCommand()).setOut(pw).setErr(pw).execute(all.toArray(String[]::new));
        return new Run(code, sw.toString());
    }

    /** A child that holds the fake device on fd 3 as "sleep 60", visible to the scanner once it has exec'd. */
    private Process holder() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "exec 3<\"$1\"; exec sleep 60", "holder",
                dev.resolve("video0").toString()).start();
        children.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String cmd = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
            if (cmd.startsWith("sleep") && Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "fd", "3"))
                    .equals(dev.resolve("video0"))) {
                return p;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("holder never started");
    }

    @Test
    void listShowsPidUserCommandAndWhatIsHeldAndKillsNothing() throws Exception {
        Process child = holder();
        Run r = reclaim("--list");
        assertEquals(ReclaimCommand.HELD, r.code(), r.out());
        assertTrue(r.out().matches("(?s).*\\n" + child.pid() + " +" + System.getProperty("user.name")
                + " +sleep 60\\n +holds " + dev.resolve("video0") + " \\(fd 3\\)\\n.*"), r.out());
        assertTrue(r.out().contains("1 process holds camera resources."), r.out());
        assertTrue(r.out().contains("Nothing was stopped"), r.out());
        assertFalse(child.waitFor(300, TimeUnit.MILLISECONDS), "--list must not stop anything");
        assertEquals(ReclaimCommand.HELD, reclaim().code(), "listing is the default");
    }

    @Test
    void killYesStopsTheHolderAndReportsTheCamerasFree() throws Exception {
        Process child = holder();
        Run r = reclaim("--kill", "--yes", "--timeout", "3");
        assertEquals(ReclaimCommand.FREE, r.code(), r.out());
        assertTrue(r.out().contains("PID " + child.pid() + " stopped: exited after SIGTERM"), r.out());
        assertTrue(r.out().contains("The cameras are free."), r.out());
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        Run again = reclaim();
        assertEquals(ReclaimCommand.FREE, again.code(), again.out());
        assertTrue(again.out().startsWith("No process holds a camera resource (" + glob + ")"), again.out());
    }

    @Test
    void killAsksFirstAndANoOrNoAnswerStopsNothing() throws Exception {
        Process child = holder();
        System.setIn(new ByteArrayInputStream("n\n".getBytes(StandardCharsets.UTF_8)));
        Run no = reclaim("--kill");
        assertEquals(ReclaimCommand.HELD, no.code(), no.out());
        assertTrue(no.out().contains("Stop 1 process (SIGTERM, then SIGKILL after 5 s)? [y/N]"), no.out());
        System.setIn(new ByteArrayInputStream(new byte[0]));
        assertEquals(ReclaimCommand.HELD, reclaim("--kill").code(), "end of input is no");
        assertFalse(child.waitFor(200, TimeUnit.MILLISECONDS));
        System.setIn(new ByteArrayInputStream("y\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ReclaimCommand.FREE, reclaim("--kill").code());
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
    }

    @Test
    void refusesToKillItself() throws Exception {
        try (FileInputStream mine = new FileInputStream(dev.resolve("video0").toFile())) {
            Run r = reclaim("--kill", "--yes", "--timeout", "0.2");
            assertEquals(ReclaimCommand.STILL_HELD, r.code(), r.out());
            long me = ProcessHandle.current().pid();
            assertTrue(r.out().contains(me + "") && r.out().contains("(never stopped: it is this process)"), r.out());
            assertTrue(r.out().contains("PID " + me + " left alone: it is this process"), r.out());
            assertTrue(r.out().contains("Still holding camera resources:"), r.out());
            assertEquals(-1, mine.read(), "still alive, descriptor still open");
        }
    }

    @Test
    void refusesToKillItsParent() throws Exception {
        // bash holds the device and runs `stereo reclaim --kill --yes` as its child (fd 3 closed for
        // it): the only holder is the reclaimer's parent, which it must leave alone (exit 1).
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder("bash", "-c",
                "exec 3<\"$1\"; \"$2\" -cp \"$3\" dev.stereo.app.Main reclaim --kill --yes --timeout 0.2 "
                        + "--device-glob \"$4\" --library-glob none 3<&-; echo \"exit=$?\"",
                "parent", dev.resolve("video0").toString(), java, System.getProperty("java.class.path"), glob)
                .redirectErrorStream(true).start();
        children.add(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "reclaim did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("PID " + p.pid() + " left alone: it is this process's parent"), out);
        assertTrue(out.strip().endsWith("exit=1"), "the parent survived and said so with exit code 1: " + out);
        assertEquals(0, p.exitValue());
    }

    @Test
    void ifConfiguredDoesNothingUnlessReclaimOnStartIsTrue() throws Exception {
        Process child = holder();
        Path off = tmp.resolve("off.yaml");
        Files.writeString(off, "reclaim_on_start: false\n");
        Run r = reclaim("--kill", "--yes", "--if-configured", "--config", off.toString());
        assertEquals(ReclaimCommand.FREE, r.code(), r.out());
        assertTrue(r.out().contains("nothing to do (reclaim_on_start is false)"), r.out());
        Path testSource = tmp.resolve("test.yaml");
        Files.writeString(testSource, "reclaim_on_start: true\ncameras: {left: {source: test}, right: {source: test}}\n");
        assertTrue(reclaim("--kill", "--yes", "--if-configured", "--config", testSource.toString()).out()
                .contains("both cameras use the test source"));
        assertFalse(child.waitFor(100, TimeUnit.MILLISECONDS));
        Path on = tmp.resolve("on.yaml");
        Files.writeString(on, "reclaim_on_start: true\n");
        assertEquals(ReclaimCommand.FREE, reclaim("--kill", "--yes", "--if-configured", "--config", on.toString()).code());
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
    }

    @Test
    void badUsageIsExitCode2() throws Exception {
        assertEquals(ReclaimCommand.USAGE, reclaim("--list", "--kill").code());
        assertEquals(ReclaimCommand.USAGE, reclaim("--yes").code());
        assertEquals(ReclaimCommand.USAGE, reclaim("--timeout", "0").code());
        assertEquals(ReclaimCommand.USAGE, reclaim("--device-glob", "video*").code());
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "reclaim_on_start: maybe\n");
        Run r = reclaim("--if-configured", "--config", bad.toString());
        assertEquals(ReclaimCommand.USAGE, r.code());
        assertTrue(r.out().contains("bad.yaml:1: reclaim_on_start = \"maybe\""), r.out());
    }

    @Test
    void defaultsCoverCaptureNodesMediaControllersSubdevicesAndLibcamera() {
        ReclaimCommand c = new ReclaimCommand();
        new CommandLine(c).parseArgs();
        assertEquals(CameraHolders.DEFAULT_DEVICE_GLOBS, c.deviceGlobs);
        assertEquals(CameraHolders.DEFAULT_LIBRARY_GLOBS, c.libraryGlobs);
    }

    @Test
    void reclaimOnStartStopsHoldersBeforeServeOpensTheCameras() throws Exception {
        Process child = holder();
        var outcomes = ReclaimOnStart.run(new CameraHolders(Path.of("/proc"), List.of(glob), List.of()),
                new Reclaimer(), Duration.ofSeconds(3));
        assertEquals(1, outcomes.size(), outcomes.toString());
        assertEquals(child.pid(), outcomes.get(0).holder().pid());
        assertEquals(Reclaimer.Result.STOPPED, outcomes.get(0).result());
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        assertTrue(ReclaimOnStart.run(new CameraHolders(Path.of("/proc"), List.of(glob), List.of()),
                new Reclaimer(), Duration.ofSeconds(1)).isEmpty());
    }

    @Test
    void reclaimOnStartIsOptInAndSkippedForTheTestSource() throws Exception {
        var defaults = ConfigLoader.defaults();
        assertFalse(ReclaimOnStart.wanted(defaults));
        var on = ConfigLoader.parse("reclaim_on_start: true\n", null);
        assertTrue(ReclaimOnStart.wanted(on));
        var test = ConfigLoader.parse(
                "reclaim_on_start: true\ncameras: {left: {source: test}, right: {source: test}}\n", null);
        assertFalse(ReclaimOnStart.wanted(test));
    }
}
