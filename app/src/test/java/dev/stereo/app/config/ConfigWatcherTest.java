package dev.stereo.app.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real WatchService on a temporary directory. */
class ConfigWatcherTest {

    @TempDir
    Path dir;

    @Test
    void inPlaceWritesAndRenameReplacementsEachReloadOnceOtherFilesNever() throws Exception {
        Path file = dir.resolve("camera_profiles.yaml");
        Files.writeString(file, "a: 1\n");
        Semaphore changes = new Semaphore(0);
        AtomicInteger count = new AtomicInteger();
        try (ConfigWatcher w = new ConfigWatcher(file, 200, () -> {
            count.incrementAndGet();
            changes.release();
        })) {
            w.start();
            // An editor writing in place, in several writes.
            Files.writeString(file, "a: 2\n");
            Files.writeString(file, "a: 2\nb: 3\n");
            assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "in-place write noticed");
            // An editor saving through a temporary file renamed over the original (vim, sed -i).
            Path tmp = dir.resolve(".camera_profiles.yaml.swp");
            Files.writeString(tmp, "a: 4\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "rename over the file noticed");
            // And the watch survived the replacement.
            Files.writeString(file, "a: 5\n");
            assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "watch survives the replacement");
            // Another file in the directory is none of our business.
            Files.writeString(dir.resolve("other.yaml"), "x: 1\n");
            assertFalse(changes.tryAcquire(800, TimeUnit.MILLISECONDS), "other files ignored");
        }
        assertEquals(3, count.get(), "one reload per save (debounced)");
    }
}
