package dev.stereo.app.systemd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * systemd's {@code sd_notify(3)} protocol: one datagram of {@code KEY=value} lines to the socket
 * named by {@code $NOTIFY_SOCKET}. The service unit is {@code Type=notify}, so systemd counts the
 * service as started only after {@code READY=1}, and with {@code WatchdogSec=} restarts it when the
 * {@code WATCHDOG=1} pings stop.
 *
 * <p>Sent from this process itself (not through {@code systemd-notify}, whose messages can arrive
 * after it has exited and then cannot be attributed to the service). Without
 * {@code $NOTIFY_SOCKET} (not run by systemd) every call does nothing. Never throws: a lost
 * notification is logged once. Thread-safe.
 */
public final class SdNotify implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);

    private final String socket;
    private int fd = -1;       // guarded by this
    private boolean warned;    // guarded by this
    private boolean closed;    // guarded by this

    /** @param socket the {@code $NOTIFY_SOCKET} value, or null for "not under systemd" */
    public SdNotify(String socket) {
        this.socket = socket == null || socket.isBlank() ? null : socket;
    }

    public static SdNotify fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static SdNotify fromEnvironment(Map<String, String> env) {
        return new SdNotify(env.get("NOTIFY_SOCKET"));
    }

    /** True when a notification socket is configured. */
    public boolean enabled() {
        return socket != null;
    }

    /**
     * Sends one notification, e.g. {@code "READY=1\nSTATUS=serving"}.
     *
     * @return true when the datagram was handed to the kernel
     */
    public synchronized boolean send(String state) {
        if (socket == null || closed) {
            return false;
        }
        try {
            if (fd < 0) {
                fd = UnixDatagram.open();
            }
            UnixDatagram.send(fd, socket, state.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (RuntimeException | LinkageError e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot notify systemd through {}: {}", socket, e.toString());
            }
            return false;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (fd >= 0) {
            UnixDatagram.close(fd);
            fd = -1;
        }
    }
}
