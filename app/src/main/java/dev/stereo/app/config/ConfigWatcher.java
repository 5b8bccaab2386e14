package dev.stereo.app.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * Watches one file for changes and calls back once things have settled. It watches the file's
 * <em>directory</em> ({@link WatchService}), not the file, because many editors save by writing a
 * new file and renaming it over the old one (vim, sed -i, Ansible): that replaces the file's inode,
 * which a watch on the file itself would lose. Every create, modify or delete of that name (and an
 * overflow) arms a debounce; the callback runs once no event came for {@code debounceMs}, so a
 * save that is several writes and a rename reloads once.
 *
 * <p>Lifecycle: the constructor has no side effects; {@link #start()} registers the watch and
 * starts a daemon thread ("config-watch") on which the callback runs; {@link #close()} stops it
 * and is idempotent.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final long debounceMs;
    private final Runnable onChange;
    private WatchService watch;
    private Thread thread;
    private volatile boolean closed;

    public ConfigWatcher(Path file, long debounceMs, Runnable onChange) {
        this.file = file.toAbsolutePath().normalize();
        this.debounceMs = debounceMs;
        this.onChange = onChange;
    }

    /** @throws IOException when the directory cannot be watched (the app then runs without reload) */
    public synchronized void start() throws IOException {
        if (watch != null || closed) {
            return;
        }
        Path dir = file.getParent();
        watch = dir.getFileSystem().newWatchService();
        dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        thread = new Thread(this::loop, "config-watch");
        thread.setDaemon(true);
        thread.start();
        LOG.info("watching {} for changes (calibration applies live)", file);
    }

    private void loop() {
        try {
            while (!closed) {
                WatchKey key = watch.take();
                boolean ours = drain(key);
                // Debounce: keep collecting until the directory has been quiet for a while.
                while (ours) {
                    WatchKey more = watch.poll(debounceMs, TimeUnit.MILLISECONDS);
                    if (more == null) {
                        break;
                    }
                    drain(more);
                }
                if (ours && !closed) {
                    try {
                        onChange.run();
                    } catch (RuntimeException e) {
                        LOG.error("reloading {} failed", file, e);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /** True when any event of the key is about our file (or events were lost). */
    private boolean drain(WatchKey key) {
        boolean ours = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW
                    || (e.context() instanceof Path name && name.equals(file.getFileName()))) {
                ours = true;
            }
        }
        key.reset();
        return ours;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
            if (watch != null) {
                try {
                    watch.close();
                } catch (IOException e) {
                    LOG.debug("closing the watch service: {}", e.getMessage());
                }
            }
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
