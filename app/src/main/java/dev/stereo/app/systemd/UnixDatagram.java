package dev.stereo.app.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Unix-domain datagram sockets through libc, because JDK 17 only has Unix-domain <em>stream</em>
 * sockets and systemd's notification socket is a datagram socket. Linux only; a few calls, no
 * state. Used by {@link SdNotify}; tests use it to play systemd's side.
 */
final class UnixDatagram {

    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    /** Linux value on x86, x86-64, ARM and arm64. */
    static final int SOCK_CLOEXEC = 0x80000;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(sockaddr_un.sun_path). */
    static final int PATH_MAX = 108;

    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen)
                throws LastErrorException;

        int bind(int fd, byte[] addr, int addrLen) throws LastErrorException;

        NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static volatile LibC libc;

    private UnixDatagram() {}

    static LibC libc() {
        LibC l = libc;
        if (l == null) {
            synchronized (UnixDatagram.class) {
                if (libc == null) {
                    libc = Native.load("c", LibC.class);
                }
                l = libc;
            }
        }
        return l;
    }

    static int open() {
        return libc().socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    }

    /**
     * A {@code struct sockaddr_un} for a file system path, or for an abstract address when the
     * path starts with '@' (systemd's convention: the '@' stands for the leading NUL byte).
     *
     * @return the bytes; their length is the address length to pass to the kernel
     */
    static byte[] address(String path) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path.startsWith("@");
        // File system paths carry a terminating NUL; abstract names are exactly their bytes.
        int pathLen = abstractName ? name.length : name.length + 1;
        if (name.length == 0 || pathLen > PATH_MAX) {
            throw new IllegalArgumentException("not a usable Unix socket address: \"" + path + "\"");
        }
        ByteBuffer b = ByteBuffer.allocate(2 + pathLen).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_UNIX);
        if (abstractName) {
            b.put((byte) 0).put(name, 1, name.length - 1);
        } else {
            b.put(name).put((byte) 0);
        }
        return b.array();
    }

    static void send(int fd, String path, byte[] message) {
        byte[] addr = address(path);
        libc().sendto(fd, message, new NativeLong(message.length), MSG_NOSIGNAL, addr, addr.length);
    }

    static void close(int fd) {
        try {
            libc().close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do
        }
    }
}
