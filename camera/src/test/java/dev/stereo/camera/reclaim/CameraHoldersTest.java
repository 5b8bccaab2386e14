package dev.stereo.camera.reclaim;

import dev.stereo.camera.reclaim.Reclaimer.Outcome;
import dev.stereo.camera.reclaim.Reclaimer.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real processes, real /proc: children of this JVM hold a fake camera device (a plain file under a
 * temporary directory, selected by a device glob), and the scanner and reclaimer act on them.
 */
class CameraHoldersTest {

    @TempDir
    Path tmp;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private Path fakeDev() throws IOException {
        Path dev = tmp.toRealPath().resolve("dev");
        Files.createDirectories(dev);
        Files.writeString(dev.resolve("video0"), "");
        Files.writeString(dev.resolve("media0"), "");
        Files.writeString(dev.resolve("other"), "");
        return dev;
    }

    private CameraHolders holders(Path dev) {
        return new CameraHolders(Path.of("/proc"), List.of(dev + "/video*", dev + "/media*"), List.of());
    }

    /** A child that opens the file on fd 3 (and maybe ignores SIGTERM), then sleeps. */
    private Process holding(Path file, boolean ignoreTerm) throws IOException {
        String script = (ignoreTerm ? "trap '' TERM; " : "") + "exec 3<\"$1\"; exec sleep 60";
        Process p = new ProcessBuilder("bash", "-c", script, "holder", file.toString())
                .redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    /** Waits until the child has exec'd into sleep with the file open. */
    private CameraHolder awaitHolder(CameraHolders h, long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<CameraHolder> found = h.scan().holders().stream().filter(c -> c.pid() == pid)
                    .filter(c -> c.command().startsWith("sleep")).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        return fail("child " + pid + " never showed up holding the fake device: " + h.scan());
    }

    @Test
    void findsAChildHoldingAFakeDeviceWithItsCommandLineAndDescriptor() throws Exception {
        Path dev = fakeDev();
        Process child = holding(dev.resolve("video0"), false);
        Process bystander = holding(dev.resolve("other"), false);
        CameraHolders h = holders(dev);
        CameraHolder c = awaitHolder(h, child.pid());
        assertEquals("sleep 60", c.command());
        assertEquals(ProcessHandle.current().pid(), c.ppid());
        assertEquals(System.getProperty("user.name"), c.user());
        assertEquals(List.of(new HeldResource("device", dev.resolve("video0").toString(), "fd 3")), c.holds());
        assertTrue(c.startTicks() > 0);
        assertTrue(h.scan().holders().stream().noneMatch(x -> x.pid() == bystander.pid()),
                "a file outside the device globs is not a camera");
    }

    @Test
    void aLoadedLibcameraLibraryCountsEvenWithoutAnOpenDevice() throws Exception {
        // This JVM maps a file named like a libcamera library, as a process that loaded it would.
        Path lib = tmp.toRealPath().resolve("libcamera-junit.so.0.3");
        Files.write(lib, new byte[4096]);
        try (RandomAccessFile f = new RandomAccessFile(lib.toFile(), "r"); FileChannel ch = f.getChannel()) {
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, 4096);
            CameraHolders h = new CameraHolders(Path.of("/proc"), List.of(tmp.toRealPath() + "/nothing*"),
                    List.of("libcamera-junit*.so*"));
            List<CameraHolder> found = h.scan().holders();
            assertEquals(1, found.size(), found.toString());
            CameraHolder me = found.get(0);
            assertEquals(ProcessHandle.current().pid(), me.pid());
            assertEquals(List.of(new HeldResource("library", lib.toString(), "loaded")), me.holds());
            // And it is never killed: it is us.
            List<Outcome> out = new Reclaimer().stop(found, Duration.ofMillis(100));
            assertEquals(Result.REFUSED, out.get(0).result());
            assertEquals("it is this process", out.get(0).detail());
            assertEquals(0, mapped.get(0)); // still mapped, still alive
        }
    }

    @Test
    void sigtermStopsAWellBehavedHolder() throws Exception {
        Path dev = fakeDev();
        Process child = holding(dev.resolve("media0"), false);
        CameraHolders h = holders(dev);
        CameraHolder c = awaitHolder(h, child.pid());
        List<Outcome> out = new Reclaimer().stop(List.of(c), Duration.ofSeconds(5));
        assertEquals(Result.STOPPED, out.get(0).result(), out.toString());
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        assertEquals(128 + 15, child.exitValue(), "terminated by SIGTERM");
        assertTrue(h.scan().holders().stream().noneMatch(x -> x.pid() == child.pid()));
    }

    @Test
    void aHolderThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        Path dev = fakeDev();
        Process child = holding(dev.resolve("video0"), true);
        CameraHolder c = awaitHolder(holders(dev), child.pid());
        long t0 = System.nanoTime();
        List<Outcome> out = new Reclaimer().stop(List.of(c), Duration.ofMillis(300));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(Result.KILLED, out.get(0).result(), out.toString());
        assertTrue(ms >= 300, "SIGKILL only after the grace period, was " + ms + " ms");
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL");
    }

    @Test
    void neverSignalsItselfItsParentPid1OrAReusedPid() throws Exception {
        Reclaimer r = new Reclaimer();
        ProcessHandle me = ProcessHandle.current();
        long parent = me.parent().orElseThrow().pid();
        CameraHolder self = new CameraHolder(me.pid(), parent, 0, "u", "java", List.of());
        CameraHolder dad = new CameraHolder(parent, 0, 0, "u", "shell", List.of());
        CameraHolder init = new CameraHolder(1, 0, 0, "root", "/sbin/init", List.of());
        List<Outcome> out = r.stop(List.of(self, dad, init), Duration.ofMillis(50));
        assertEquals(List.of(Result.REFUSED, Result.REFUSED, Result.REFUSED), out.stream().map(Outcome::result).toList());
        assertEquals("it is this process's parent", out.get(1).detail());
        assertEquals("it is PID 1 (init)", out.get(2).detail());
        assertTrue(ProcessHandle.of(parent).orElseThrow().isAlive());

        // A pid whose start time differs from the scan's is another process now: left alone.
        Path dev = fakeDev();
        Process child = holding(dev.resolve("video0"), false);
        CameraHolder c = awaitHolder(holders(dev), child.pid());
        CameraHolder stale = new CameraHolder(c.pid(), c.ppid(), c.startTicks() - 1, c.user(), c.command(), c.holds());
        assertEquals(Result.GONE, r.stop(List.of(stale), Duration.ofMillis(50)).get(0).result());
        assertFalse(child.waitFor(200, TimeUnit.MILLISECONDS), "the live process was not signalled");
    }
}
