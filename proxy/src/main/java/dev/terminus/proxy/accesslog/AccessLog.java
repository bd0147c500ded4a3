package dev.terminus.proxy.accesslog;

import dev.terminus.proxy.config.ProxyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the access log off the event loops. An event loop hands a finished
 * {@link AccessLogEntry} to {@link #offer}, which puts it on a bounded lock-free
 * multi-producer queue and returns; when the queue is full the entry is dropped and counted,
 * never waited for. One daemon thread formats the entries as JSON lines and writes them in
 * batches through a buffer, flushing whenever the queue runs dry. The writer wakes by itself
 * every {@link #FLUSH_NANOS} (so lines reach the file within about that long); an event loop
 * wakes it only when a quarter of the queue is full. Waking a parked thread is a system call:
 * doing it per request cost the event loop more than the rest of the logging did.
 *
 * <p>Writer failures (disk full, file gone) are logged and counted, the lines in the failed
 * batch are counted as dropped, and the file is opened again a second later; the proxy never
 * stops for its log. {@link #apply} (at start and after each reload) and {@link #reopen}
 * (logrotate's {@code postrotate}) make the writer close and open its file again, so a file
 * moved away is replaced by a new one at the configured path.
 *
 * <p>Threading: {@link #offer}, {@link #enabled} and {@link #clock} are called on event loops
 * and never block or lock. The control methods are serialised by this object's lock, which the
 * event loops never take.
 */
public final class AccessLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    /** Lines held while the writer catches up: about 5 MB of entries at most. A power of two. */
    static final int DEFAULT_CAPACITY = 16_384;
    private static final int BATCH = 256;
    /** Longest a line waits in the queue before the writer wakes by itself to write it. */
    static final long FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /** Opens a destination for appending: the file, or standard output when {@code path} is null. */
    @FunctionalInterface
    interface Opener {
        OutputStream open(Path path) throws IOException;
    }

    /** The result of a reopen, as the admin endpoint reports it. */
    public record Reopened(boolean ok, String message) {
    }

    private final Clock clock;
    private final Queue<AccessLogEntry> queue;
    /** Queue length at which an event loop wakes a parked writer instead of letting it sleep on. */
    private final int wakeAt;
    private final Opener opener;
    private final Counter droppedQueueFull;
    private final Counter droppedWriteFailed;
    private final Counter lines;
    private final Counter openErrors;
    private final Counter writeErrors;
    private final AtomicLong lastDropWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
    private final AtomicLong droppedSinceWarning = new AtomicLong();
    /** Bumped by every apply and reopen; the writer reopens when it sees a new value. */
    private final AtomicLong generation = new AtomicLong();
    private final Object acknowledged = new Object();

    private volatile ProxyConfig.AccessLogConfig settings = ProxyConfig.AccessLogConfig.OFF;
    private volatile Thread writer;
    private volatile boolean parked;
    private volatile boolean stopping;
    /** The generation the writer last acted on, and what came of opening for it; under {@link #acknowledged}. */
    private long doneGeneration = -1;
    private String openError;
    /** Writer thread only: the last open failure, and when a failure was last logged. */
    private String lastOpenError;
    private long lastErrorLog = System.nanoTime() - WARN_INTERVAL_NANOS;

    private static final AccessLog OFF = new AccessLog(Clock.systemUTC(), new SimpleMeterRegistry(), 2, path -> {
        throw new IOException("the access log is off for good");
    }, true);

    private final boolean alwaysOff;

    AccessLog(Clock clock, MeterRegistry registry, int capacity, Opener opener) {
        this(clock, registry, capacity, opener, false);
    }

    private AccessLog(Clock clock, MeterRegistry registry, int capacity, Opener opener, boolean alwaysOff) {
        this.alwaysOff = alwaysOff;
        this.clock = clock;
        this.queue = PlatformDependent.newFixedMpscQueue(capacity);
        this.wakeAt = Math.max(1, capacity / 4);
        this.opener = opener;
        String dropped = "terminus.access.log.dropped";
        String droppedHelp = "Access-log lines lost: queue_full (the writer fell behind), write_failed (the file "
                + "could not be opened or written)";
        droppedQueueFull = Counter.builder(dropped).description(droppedHelp).tag("reason", "queue_full")
                .register(registry);
        droppedWriteFailed = Counter.builder(dropped).description(droppedHelp).tag("reason", "write_failed")
                .register(registry);
        lines = Counter.builder("terminus.access.log.lines").description("Access-log lines written")
                .register(registry);
        String errors = "terminus.access.log.errors";
        String errorsHelp = "Access-log file failures by operation";
        openErrors = Counter.builder(errors).description(errorsHelp).tag("operation", "open").register(registry);
        writeErrors = Counter.builder(errors).description(errorsHelp).tag("operation", "write").register(registry);
        Gauge.builder("terminus.access.log.queued", queue, Queue::size)
                .description("Access-log lines waiting for the writer").register(registry);
    }

    /** Creates an access log that is off until {@link #apply} turns it on; no thread runs until then. */
    public static AccessLog create(Clock clock, MeterRegistry registry) {
        return new AccessLog(clock, registry, DEFAULT_CAPACITY, AccessLog::openAppend);
    }

    private static OutputStream openAppend(Path path) throws IOException {
        if (path == null) {
            // Never close the process's standard output: only flush it.
            return new FilterOutputStream(new FileOutputStream(FileDescriptor.out)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
        return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    /** Returns an access log that stays off whatever it is told, for pipelines and runtimes built without one. */
    public static AccessLog off() {
        return OFF;
    }

    /** Returns the clock that stamps each line's {@code time}. */
    public Clock clock() {
        return clock;
    }

    /** Tells whether lines are wanted now; one volatile read, for the event loop. */
    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Queues a line without blocking; when the queue is full the line is dropped and counted,
     * with a warning at most every 10 seconds. Called on event loops.
     */
    public void offer(AccessLogEntry entry) {
        if (!queue.offer(entry)) {
            droppedQueueFull.increment();
            warnDropped();
            return;
        }
        if (parked && queue.size() >= wakeAt) {
            // Only a sleeping writer needs the (system-call) wake-up, and only when the queue
            // fills faster than its own FLUSH_NANOS round would empty it.
            LockSupport.unpark(writer);
        }
    }

    private void warnDropped() {
        droppedSinceWarning.incrementAndGet();
        long last = lastDropWarning.get();
        long now = System.nanoTime();
        if (now - last >= WARN_INTERVAL_NANOS && lastDropWarning.compareAndSet(last, now)) {
            log.warn("access log: queue full, dropped {} lines in the last {} s (the writer cannot keep up with {})",
                    droppedSinceWarning.getAndSet(0), TimeUnit.NANOSECONDS.toSeconds(now - last), settings.describe());
        }
    }

    /**
     * Switches to {@code config}: a new path, on or off. The file is closed and opened again in
     * any case, so that a reload also serves logrotate. Returns at once; the writer thread does
     * the file work.
     */
    public synchronized void apply(ProxyConfig.AccessLogConfig config) {
        if (alwaysOff) {
            // Configuration checks and runtimes built without a log: nothing to write to.
            return;
        }
        ProxyConfig.AccessLogConfig previous = settings;
        if (config.enabled() && writer == null) {
            Thread t = new Thread(this::run, "terminus-access-log");
            t.setDaemon(true);
            writer = t;
            t.start();
        }
        settings = config;
        generation.incrementAndGet();
        wake();
        if (!config.equals(previous)) {
            log.info("access log: {}", config.enabled() ? "writing to " + config.describe() : "off");
        }
    }

    /**
     * Closes and opens the log file again, waiting up to 5 seconds for the writer to do it;
     * reports whether the file is open. For {@code POST /admin/reopen-logs}; call it off the
     * event loop.
     */
    public Reopened reopen() {
        ProxyConfig.AccessLogConfig current = settings;
        if (!current.enabled()) {
            return new Reopened(true, "access log is off; nothing to reopen");
        }
        long wanted;
        synchronized (this) {
            wanted = generation.incrementAndGet();
            wake();
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        synchronized (acknowledged) {
            while (doneGeneration < wanted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Reopened(false, "access log writer did not reopen " + current.describe()
                            + " within " + STOP_WAIT.toSeconds() + " s (blocked on a slow disk?)");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(acknowledged, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Reopened(false, "interrupted");
                }
            }
            return openError == null ? new Reopened(true, "reopened " + current.describe())
                    : new Reopened(false, openError);
        }
    }

    /** Writes what is queued, closes the file and stops the writer, waiting up to 5 seconds. */
    @Override
    public synchronized void close() {
        Thread t = writer;
        stopping = true;
        if (t == null) {
            return;
        }
        wake();
        try {
            t.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("access log: the writer did not finish within {} s; {} lines may be lost",
                    STOP_WAIT.toSeconds(), queue.size());
        }
    }

    private void wake() {
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    // ---- writer thread ----

    /** The open destination: the stream and the formatter writing to it. */
    private static final class Sink {
        final OutputStream out;
        final AccessLogFormat format;
        /** Lines formatted since the last successful flush, lost if the next flush fails. */
        int unflushed;

        Sink(OutputStream out) throws IOException {
            this.out = out;
            this.format = new AccessLogFormat(out);
        }
    }

    private void run() {
        Sink sink = null;
        long seen = -1;
        long retryAt = System.nanoTime();
        boolean wantOpen = false;
        try {
            while (true) {
                boolean stop = stopping;
                long g = generation.get();
                if (g != seen) {
                    seen = g;
                    sink = closeQuietly(sink);
                    wantOpen = true;
                    retryAt = System.nanoTime();
                }
                ProxyConfig.AccessLogConfig s = settings;
                if (sink == null && s.enabled()
                        && (wantOpen || (!queue.isEmpty() && System.nanoTime() - retryAt >= 0))) {
                    sink = open(s);
                    if (sink == null) {
                        retryAt = System.nanoTime() + RETRY_NANOS;
                    }
                }
                if (wantOpen) {
                    wantOpen = false;
                    acknowledge(g, sink == null && s.enabled() ? lastOpenError : null);
                }
                int n = 0;
                for (AccessLogEntry e; n < BATCH && (e = queue.poll()) != null; n++) {
                    if (sink == null) {
                        if (s.enabled()) {
                            droppedWriteFailed.increment();
                        }
                        continue;
                    }
                    try {
                        sink.format.write(e);
                        sink.unflushed++;
                    } catch (IOException | RuntimeException ex) {
                        sink = failed(sink, ex, 1);
                        retryAt = System.nanoTime() + RETRY_NANOS;
                    }
                }
                if (n > 0) {
                    continue;
                }
                if (sink != null && sink.unflushed > 0) {
                    try {
                        sink.format.flush();
                        lines.increment(sink.unflushed);
                        sink.unflushed = 0;
                    } catch (IOException | RuntimeException ex) {
                        sink = failed(sink, ex, 0);
                        retryAt = System.nanoTime() + RETRY_NANOS;
                    }
                }
                if (stop && queue.isEmpty()) {
                    return;
                }
                parked = true;
                if (queue.isEmpty() && generation.get() == seen && !stopping) {
                    LockSupport.parkNanos(this, FLUSH_NANOS);
                }
                parked = false;
            }
        } finally {
            // Closing flushes what is buffered.
            closeQuietly(sink);
        }
    }

    private Sink open(ProxyConfig.AccessLogConfig s) {
        OutputStream out = null;
        try {
            out = opener.open(s.path());
            Sink sink = new Sink(new BufferedOutputStream(out, 64 * 1024));
            lastOpenError = null;
            return sink;
        } catch (IOException | RuntimeException e) {
            openErrors.increment();
            lastOpenError = "cannot open access log " + s.describe() + ": " + e;
            if (shouldLogError()) {
                log.error("access log: {}; lines are dropped until it opens (retried every second)", lastOpenError);
            }
            if (out != null) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // Already failing; the open error is what matters.
                }
            }
            return null;
        }
    }

    /** Counts a failed write or flush, drops the sink and the lines it held; returns null. */
    private Sink failed(Sink sink, Exception e, int current) {
        writeErrors.increment();
        int lost = sink.unflushed + current;
        droppedWriteFailed.increment(lost);
        if (shouldLogError()) {
            log.error("access log: writing {} failed, {} lines lost; reopening in a second: {}",
                    settings.describe(), lost, e.toString());
        }
        sink.unflushed = 0;
        // Not through the formatter: flushing its buffer would only fail again.
        try {
            sink.out.close();
        } catch (IOException ignored) {
            // The failure above is what is reported.
        }
        return null;
    }

    /** Limits error lines to one per 10 seconds while a disk stays full; the counters count each. */
    private boolean shouldLogError() {
        long now = System.nanoTime();
        if (now - lastErrorLog >= WARN_INTERVAL_NANOS) {
            lastErrorLog = now;
            return true;
        }
        return false;
    }

    private Sink closeQuietly(Sink sink) {
        if (sink == null) {
            return null;
        }
        try {
            sink.format.close();
            lines.increment(sink.unflushed);
            sink.unflushed = 0;
        } catch (IOException | RuntimeException e) {
            writeErrors.increment();
            droppedWriteFailed.increment(sink.unflushed);
            log.warn("access log: closing {} failed: {}", settings.describe(), e.toString());
        }
        try {
            sink.out.close();
        } catch (IOException e) {
            log.debug("access log: closing the stream failed: {}", e.toString());
        }
        return null;
    }

    private void acknowledge(long g, String error) {
        synchronized (acknowledged) {
            doneGeneration = g;
            openError = error;
            acknowledged.notifyAll();
        }
    }
}
