package dev.stereo.app.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/install.sh and uninstall.sh against a throwaway root (a directory with just enough
 * /etc for systemd-sysusers): nothing on this machine is touched, and everything the Pi would get
 * is checked where it lands.
 */
class InstallScriptTest {

    static final Path REPO = ShellScriptsTest.REPO;

    @TempDir
    Path tmp;

    record Run(int code, String out) {}

    private Run run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().remove("DESTDIR");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " hung");
        return new Run(p.exitValue(), out);
    }

    private Path throwawayRoot() throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nvideo:x:44:\n");
        return root;
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void installsEveryFileTheUserAndTheEnabledServiceIntoTheRoot() throws Exception {
        Path root = throwawayRoot();
        Path jar = tmp.resolve("stereo.jar");
        Files.writeString(jar, "not really a jar");
        Run r = run(Map.of("SYSTEMD_VERSION", "252"), "scripts/install.sh", "--destdir", root.toString(),
                "--jar", jar.toString());
        assertEquals(0, r.code(), r.out());

        assertEquals("not really a jar", Files.readString(root.resolve("opt/stereo/stereo.jar")));
        assertEquals(Files.readString(REPO.resolve("systemd/stereo.service")),
                Files.readString(root.resolve("etc/systemd/system/stereo.service")));
        assertEquals(Files.readString(REPO.resolve("config/camera_profiles.yaml")),
                Files.readString(root.resolve("etc/stereo/camera_profiles.yaml")));
        assertEquals("rw-r-----", mode(root.resolve("etc/stereo/camera_profiles.yaml")), "may hold the token");
        Path wants = root.resolve("etc/systemd/system/multi-user.target.wants/stereo.service");
        assertTrue(Files.isSymbolicLink(wants), "service enabled");
        assertEquals(Path.of("/etc/systemd/system/stereo.service"), Files.readSymbolicLink(wants));
        assertFalse(Files.exists(root.resolve("etc/systemd/system/stereo.service.d")), "no RestartSteps on systemd 252");
        for (String s : List.of("find_camera_processes.sh", "check_cameras.sh", "kill_camera_processes.sh")) {
            assertEquals("rwxr-xr-x", mode(root.resolve("opt/stereo/scripts/" + s)), s);
        }
        Path cli = root.resolve("usr/local/bin/stereo");
        assertEquals("rwxr-xr-x", mode(cli));
        assertTrue(Files.readString(cli).contains("exec java -jar /opt/stereo/stereo.jar \"$@\""));
        assertTrue(Files.exists(root.resolve("opt/stereo/README.md")));

        // The dedicated user: no login, home = state directory, in the camera, GPU and GPIO groups.
        String passwd = Files.readString(root.resolve("etc/passwd"));
        assertTrue(passwd.matches("(?s).*\\nstereo:x:\\d+:\\d+:[^:]*:/var/lib/stereo:/usr/sbin/nologin\\n.*"), passwd);
        String group = Files.readString(root.resolve("etc/group"));
        assertTrue(group.contains("video:x:44:stereo"), group);
        assertTrue(group.matches("(?s).*\\nrender:x:\\d+:stereo\\n.*") && group.matches("(?s).*\\ngpio:x:\\d+:stereo\\n.*"),
                group);
        assertEquals("rwxr-x---", mode(root.resolve("var/lib/stereo")));
        assertTrue(Files.exists(root.resolve("etc/sysusers.d/stereo.conf")));
    }

    @Test
    void reinstallKeepsTheUsersConfigAndUninstallRemovesTheRestPurgeEverything() throws Exception {
        Path root = throwawayRoot();
        Path jar = tmp.resolve("stereo.jar");
        Files.writeString(jar, "v1");
        Map<String, String> newSystemd = Map.of("SYSTEMD_VERSION", "256");
        assertEquals(0, run(newSystemd, "scripts/install.sh", "--destdir", root.toString(), "--jar", jar.toString()).code());
        Path config = root.resolve("etc/stereo/camera_profiles.yaml");
        Files.writeString(config, "stream: {fps: 60}\n");
        Files.writeString(jar, "v2");
        Run again = run(newSystemd, "scripts/install.sh", "--destdir=" + root, "--jar", jar.toString());
        assertEquals(0, again.code(), again.out());
        assertEquals("stream: {fps: 60}\n", Files.readString(config), "the user's configuration is kept");
        assertEquals(Files.readString(REPO.resolve("config/camera_profiles.yaml")),
                Files.readString(root.resolve("etc/stereo/camera_profiles.yaml.dist")));
        assertEquals("v2", Files.readString(root.resolve("opt/stereo/stereo.jar")));
        assertTrue(Files.readString(root.resolve("etc/systemd/system/stereo.service.d/10-backoff.conf"))
                .contains("RestartSteps="), "restart back-off on systemd >= 254");
        assertEquals(1, Files.readAllLines(root.resolve("etc/passwd")).stream().filter(l -> l.startsWith("stereo:")).count());

        Run un = run(Map.of(), "scripts/uninstall.sh", "--destdir", root.toString());
        assertEquals(0, un.code(), un.out());
        for (String gone : List.of("opt/stereo", "usr/local/bin/stereo", "etc/systemd/system/stereo.service",
                "etc/systemd/system/stereo.service.d", "etc/systemd/system/multi-user.target.wants/stereo.service",
                "etc/sysusers.d/stereo.conf")) {
            assertFalse(Files.exists(root.resolve(gone), LinkOption.NOFOLLOW_LINKS), gone + " left behind");
        }
        assertTrue(Files.exists(config) && Files.isDirectory(root.resolve("var/lib/stereo")), "kept without --purge");

        assertEquals(0, run(Map.of(), "scripts/uninstall.sh", "--destdir", root.toString(), "--purge").code());
        assertFalse(Files.exists(root.resolve("etc/stereo")));
        assertFalse(Files.exists(root.resolve("var/lib/stereo")));
    }

    @Test
    void badUsageAndAMissingJarFailClearly() throws Exception {
        Path root = throwawayRoot();
        Run unknown = run(Map.of(), "scripts/install.sh", "--destdir", root.toString(), "--frobnicate");
        assertEquals(2, unknown.code());
        assertTrue(unknown.out().contains("unknown option '--frobnicate'"), unknown.out());
        Run noJar = run(Map.of(), "scripts/install.sh", "--destdir", root.toString(), "--jar", tmp.resolve("nope.jar").toString());
        assertEquals(1, noJar.code());
        assertTrue(noJar.out().contains("nope.jar: no such file"), noJar.out());
        assertFalse(Files.exists(root.resolve("opt/stereo")), "nothing installed");
    }
}
