package dev.stereo.app.packaging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The camera helper scripts run the built stereo.jar (after package, so in verify) against a
 * process holding a fake camera device; only that device is looked at (--device-glob,
 * --library-glob none), so nothing else on the machine is touched.
 */
class WrapperScriptsIT {

    static final Path REPO = ShellScriptsTest.REPO;

    @TempDir
    Path tmp;
    Path device;
    String glob;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void fakeDevice() throws Exception {
        Path dev = tmp.toRealPath().resolve("dev");
        Files.createDirectories(dev);
        device = dev.resolve("video7");
        Files.writeString(device, "");
        glob = dev + "/video*";
    }

    @AfterEach
    void cleanUp() {
        children.forEach(Process::destroyForcibly);
    }

    record Run(int code, String out) {}

    private Run script(String name, String... args) throws Exception {
        String jar = System.getProperty("stereo.jar");
        assertNotNull(jar, "failsafe passes -Dstereo.jar");
        List<String> cmd = new ArrayList<>(List.of("scripts/" + name, "--device-glob", glob, "--library-glob", "none"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().put("STEREO_JAR", jar);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), name + " hung");
        return new Run(p.exitValue(), out);
    }

    private Process holder() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "exec 3<\"$1\"; exec sleep 60", "holder", device.toString()).start();
        children.add(p);
        Path fd = Path.of("/proc", Long.toString(p.pid()), "fd", "3");
        for (int i = 0; i < 500 && !holds(p, fd); i++) {
            Thread.sleep(10);
        }
        return p;
    }

    /** True once the holder has exec'd sleep with the device open; /proc entries vanish briefly during exec. */
    private boolean holds(Process p, Path fd) {
        try {
            return device.equals(Files.readSymbolicLink(fd))
                    && Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).startsWith("sleep");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void checkFindAndKillAreThinWrappersOverReclaim() throws Exception {
        Run free = script("check_cameras.sh");
        assertEquals(0, free.code(), free.out());
        assertTrue(free.out().contains("the cameras are free"), free.out());

        Process child = holder();
        Run busy = script("check_cameras.sh");
        assertEquals(1, busy.code(), busy.out());
        assertTrue(busy.out().contains(child.pid() + "") && busy.out().contains("sleep 60"), busy.out());
        assertTrue(busy.out().contains("the cameras are busy"), busy.out());

        Run found = script("find_camera_processes.sh");
        assertEquals(3, found.code(), found.out());
        assertTrue(found.out().contains("holds " + device + " (fd 3)"), found.out());
        assertFalse(child.waitFor(100, TimeUnit.MILLISECONDS), "listing stops nothing");

        Run notConfirmed = script("kill_camera_processes.sh");
        assertEquals(3, notConfirmed.code(), "no answer on stdin is no: " + notConfirmed.out());
        Run killed = script("kill_camera_processes.sh", "--yes", "--timeout", "2");
        assertEquals(0, killed.code(), killed.out());
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        assertEquals(0, script("check_cameras.sh").code());
        assertEquals(2, script("check_cameras.sh", "--bogus").code(), "bad usage");
    }
}
