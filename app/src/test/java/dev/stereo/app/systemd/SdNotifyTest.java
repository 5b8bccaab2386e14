package dev.stereo.app.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test plays systemd: it binds a real Unix datagram socket and reads what the app sends. */
class SdNotifyTest {

    @TempDir
    Path tmp;
    private final List<Integer> fds = new ArrayList<>();

    @AfterEach
    void closeSockets() {
        fds.forEach(UnixDatagram::close);
    }

    private int listen(String address) {
        int fd = UnixDatagram.open();
        fds.add(fd);
        byte[] addr = UnixDatagram.address(address);
        UnixDatagram.libc().bind(fd, addr, addr.length);
        return fd;
    }

    /** The next datagram within the time limit, or null. */
    private static String receive(int fd, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            try {
                NativeLong n = UnixDatagram.libc().recv(fd, buf, new NativeLong(buf.length), UnixDatagram.MSG_DONTWAIT);
                return new String(buf, 0, n.intValue(), StandardCharsets.UTF_8);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != 11) { // EAGAIN: nothing yet
                    throw e;
                }
            }
            Thread.sleep(5);
        }
        return null;
    }

    @Test
    void sendsToAFileSystemSocket() throws Exception {
        String path = tmp.resolve("notify").toString();
        int server = listen(path);
        try (SdNotify n = new SdNotify(path)) {
            assertTrue(n.enabled());
            assertTrue(n.send("READY=1\nSTATUS=serving"));
            assertEquals("READY=1\nSTATUS=serving", receive(server, 2000));
        }
    }

    @Test
    void sendsToAnAbstractSocketAsSystemdUsesThem() throws Exception {
        String name = "@stereo-test-" + UUID.randomUUID();
        int server = listen(name);
        SdNotify n = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", name));
        assertTrue(n.send("WATCHDOG=1"));
        assertEquals("WATCHDOG=1", receive(server, 2000));
        n.close();
        assertFalse(n.send("WATCHDOG=1"), "closed");
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNothingFails() {
        SdNotify n = SdNotify.fromEnvironment(Map.of());
        assertFalse(n.enabled());
        assertFalse(n.send("READY=1"));
        assertFalse(new SdNotify(tmp.resolve("nobody-listens").toString()).send("READY=1"),
                "a missing socket is reported as not sent, not thrown");
    }

    @Test
    void readyThenWatchdogPingsOnlyWhileHealthyThenStopping() throws Exception {
        String path = tmp.resolve("notify").toString();
        int server = listen(path);
        AtomicReference<ServiceNotifier.Health> health = new AtomicReference<>(ServiceNotifier.Health.ok("streaming"));
        ServiceNotifier notifier = new ServiceNotifier(Map.of("NOTIFY_SOCKET", path, "WATCHDOG_USEC", "60000",
                "WATCHDOG_PID", Long.toString(ProcessHandle.current().pid())), health::get);
        assertTrue(notifier.underSystemd());
        assertEquals(60000, notifier.watchdogMicros());
        notifier.ready("serving option3 on :8443");
        String ready = receive(server, 2000);
        assertNotNull(ready);
        assertTrue(ready.startsWith("READY=1\nSTATUS=serving option3 on :8443\nMAINPID="), ready);
        assertEquals("WATCHDOG=1\nSTATUS=streaming", receive(server, 2000), "pings every 30 ms");

        health.set(new ServiceNotifier.Health("pipeline option3 is in state error", "error"));
        // Drain what was sent before the switch, then no ping may follow.
        long until = System.nanoTime() + 300_000_000L;
        boolean sawUnhealthy = false;
        String last = null;
        while (System.nanoTime() < until) {
            String m = receive(server, 50);
            if (m != null && m.startsWith("STATUS=unhealthy")) {
                sawUnhealthy = true;
            } else if (m != null && sawUnhealthy) {
                last = m;
            }
        }
        assertTrue(sawUnhealthy, "status says why");
        assertNull(last, "no WATCHDOG=1 while unhealthy");

        health.set(ServiceNotifier.Health.ok("streaming again"));
        String m;
        do {
            m = receive(server, 2000);
        } while (m != null && m.startsWith("STATUS=unhealthy"));
        assertEquals("WATCHDOG=1\nSTATUS=streaming again", m);

        notifier.close();
        do {
            m = receive(server, 2000);
        } while (m != null && m.startsWith("WATCHDOG=1"));
        assertEquals("STOPPING=1\nSTATUS=stopping", m);
    }

    @Test
    void watchdogMeantForAnotherPidIsIgnored() {
        assertEquals(0, ServiceNotifier.watchdogMicros(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1")));
        assertEquals(30_000_000, ServiceNotifier.watchdogMicros(Map.of("WATCHDOG_USEC", "30000000")));
        assertEquals(0, ServiceNotifier.watchdogMicros(Map.of("WATCHDOG_USEC", "soon")));
    }
}
