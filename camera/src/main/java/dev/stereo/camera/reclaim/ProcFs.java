package dev.stereo.camera.reclaim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small readers for {@code /proc/PID/*}. Every method returns null when the process is gone. */
final class ProcFs {

    private ProcFs() {}

    /**
     * The fields of {@code /proc/PID/stat} after the command name: index 0 is the state (field 3),
     * 1 the parent pid (field 4), 19 the start time (field 22). The command name may contain
     * spaces and parentheses, so the split starts after the last ')'.
     */
    static String[] statFields(Path procRoot, long pid) {
        String stat = read(procRoot.resolve(Long.toString(pid)).resolve("stat"));
        if (stat == null) {
            return null;
        }
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 > stat.length()) {
            return null;
        }
        return stat.substring(close + 2).strip().split(" ");
    }

    /** The command name between the parentheses of {@code /proc/PID/stat}. */
    static String comm(Path procRoot, long pid) {
        String stat = read(procRoot.resolve(Long.toString(pid)).resolve("stat"));
        if (stat == null) {
            return null;
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        return open >= 0 && close > open ? stat.substring(open + 1, close) : null;
    }

    /**
     * True while the process with this pid and start time exists and has not exited. A zombie
     * (exited, not yet reaped by its parent) has already closed every file and unmapped every
     * library, so for holding cameras it is gone.
     */
    static boolean alive(Path procRoot, long pid, long startTicks) {
        String[] f = statFields(procRoot, pid);
        if (f == null || f.length < 20) {
            return false;
        }
        if (f[0].equals("Z") || f[0].equals("X") || f[0].equals("x")) {
            return false;
        }
        return startTicks == 0 || Long.parseLong(f[19]) == startTicks;
    }

    static String cmdline(Path procRoot, long pid) {
        try {
            byte[] raw = Files.readAllBytes(procRoot.resolve(Long.toString(pid)).resolve("cmdline"));
            String s = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }

    static String read(Path file) {
        try {
            // Not readString: a command name need not be valid UTF-8, and that must not hide a process.
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
