package dev.terminus.proxy.runtime;

import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.config.TargetGroupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reloads when the configuration file or a certificate or key file changes. Events are
 * coalesced for a short quiet period, because tools write a chain and its key as separate
 * files (and Kubernetes swaps a whole {@code ..data} directory); reloading between the two
 * writes would see a mismatched pair and, correctly, refuse it.
 */
public final class CertificateWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

    private final ProxyRuntime runtime;
    private final ScheduledExecutorService executor;
    private final long quietMillis;
    private final WatchService watch;
    private final Thread thread;
    private final Set<Path> watchedDirs = new HashSet<>();
    private volatile Set<Path> watchedFiles = Set.of();
    private Path configFile;
    private ScheduledFuture<?> pending;

    /**
     * Starts watching the files of the runtime's current configuration.
     *
     * @param executor    where reloads run; never an event loop
     * @param quietMillis how long the files must stay unchanged before a reload
     */
    public CertificateWatcher(ProxyRuntime runtime, Path configFile, ScheduledExecutorService executor,
                              long quietMillis) throws IOException {
        this.runtime = runtime;
        this.executor = executor;
        this.quietMillis = quietMillis;
        this.watch = FileSystems.getDefault().newWatchService();
        register(configFile);
        this.thread = new Thread(this::loop, "terminus-file-watch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Watches the directory of every file the configuration names: certificates, keys and target
     * groups' trust bundles. A certificate or key file
     * ({@code .pem}, {@code .crt}, {@code .key}) counts wherever it changes in a watched directory,
     * so only files with other names are remembered one by one: 100,000 certificates cost one
     * directory each, not a set of 200,000 paths built on the start-up thread.
     */
    private synchronized void register(Path configFile) throws IOException {
        Set<Path> files = new HashSet<>();
        Set<Path> dirs = new HashSet<>();
        if (configFile != null) {
            Path config = configFile.toAbsolutePath().normalize();
            files.add(config);
            dirs.add(config.getParent());
        }
        ProxySnapshot s = runtime.snapshots().current();
        Path lastDir = null;
        for (ProxyConfig.Listener l : s.config().listeners()) {
            for (ProxyConfig.Certificate c : l.certificates()) {
                lastDir = watch(c.chain(), lastDir, dirs, files);
                lastDir = watch(c.key(), lastDir, dirs, files);
            }
        }
        for (TargetGroupConfig g : s.config().targetGroups()) {
            if (g.tls() != null && g.tls().trustBundle() != null) {
                watch(g.tls().trustBundle(), null, dirs, files);
            }
        }
        for (Path dir : dirs) {
            if (watchedDirs.add(dir)) {
                dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
        watchedFiles = files;
        this.configFile = configFile;
    }

    /**
     * Adds {@code file}'s directory, and the file itself when its name is not a certificate or key
     * name; returns the directory's path as given, so that a run of files in one directory (as a
     * certificate directory lists them) costs a prefix comparison each.
     */
    private static Path watch(Path file, Path lastDir, Set<Path> dirs, Set<Path> files) {
        if (lastDir != null && certificateFileName(file.toString()) && file.startsWith(lastDir)
                && file.getNameCount() == lastDir.getNameCount() + 1) {
            return lastDir;
        }
        Path full = file.toAbsolutePath().normalize();
        dirs.add(full.getParent());
        if (!certificateFileName(full.getFileName().toString())) {
            files.add(full);
        }
        return file.getParent();
    }

    /** Returns whether a change to a file of this name anywhere in a watched directory means a reload. */
    private static boolean certificateFileName(String file) {
        return file.endsWith(".pem") || file.endsWith(".crt") || file.endsWith(".key");
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                Path dir = (Path) key.watchable();
                boolean relevant = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                        relevant = true;
                        continue;
                    }
                    Path name = (Path) e.context();
                    Path full = dir.resolve(name).toAbsolutePath().normalize();
                    // Kubernetes projects secrets through "..data" symlink swaps; a certificate
                    // directory gains and loses files that no configuration names.
                    String file = name.toString();
                    if (watchedFiles.contains(full) || file.startsWith("..") || certificateFileName(file)) {
                        relevant = true;
                    }
                }
                key.reset();
                if (relevant) {
                    schedule();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closing.
        }
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = executor.schedule(this::reload, quietMillis, TimeUnit.MILLISECONDS);
    }

    private void reload() {
        var result = runtime.reload();
        if (result.ok()) {
            log.info("files changed: {}", result.message());
            try {
                register(configFile);
            } catch (IOException e) {
                log.warn("cannot watch the new configuration's directories: {}", e.toString());
            }
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
