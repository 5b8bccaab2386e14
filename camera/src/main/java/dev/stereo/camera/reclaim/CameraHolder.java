package dev.stereo.camera.reclaim;

import java.util.List;

/**
 * A process that holds camera resources, as read from {@code /proc}.
 *
 * @param pid        process id
 * @param ppid       parent process id
 * @param startTicks start time in clock ticks since boot ({@code /proc/PID/stat} field 22): with
 *                   the pid it names the process even if the pid is reused later
 * @param user       owner's user name (or numeric uid when it has no name)
 * @param command    command line, or {@code [comm]} for kernel threads
 * @param holds      what it holds, devices first
 */
public record CameraHolder(long pid, long ppid, long startTicks, String user, String command,
                           List<HeldResource> holds) {

    public CameraHolder {
        holds = List.copyOf(holds);
    }
}
