package dev.terminus.proxy.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terminus.proxy.config.ProxyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer thread: batching, drops when full, failures, reopen, switching, shutdown. */
class AccessLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-04T05:06:07.089Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<AccessLog> logs = new ArrayList<>();

    @AfterEach
    void close() {
        logs.forEach(AccessLog::close);
    }

    private AccessLog log(int capacity, AccessLog.Opener opener) {
        AccessLog log = new AccessLog(CLOCK, registry, capacity, opener);
        logs.add(log);
        return log;
    }

    private AccessLog fileLog() {
        AccessLog log = AccessLog.create(CLOCK, registry);
        logs.add(log);
        return log;
    }

    private static AccessLogEntry entry(String path) {
        return AccessLogFormatTest.entry(AccessLogFormatTest.TLS, "h", path, null);
    }

    private static ProxyConfig.AccessLogConfig to(Path file) {
        return new ProxyConfig.AccessLogConfig(true, file);
    }

    private double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** Polls {@code condition} until it holds, for at most 10 seconds. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static List<String> paths(Path file) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode n = JSON.readTree(line);
                out.add(n.get("path").asText());
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void writesOneJsonLinePerEntryStampedByTheClock() throws Exception {
        Path file = dir.resolve("access.log");
        AccessLog log = fileLog();
        assertThat(log.enabled()).isFalse();
        log.apply(to(file));
        assertThat(log.enabled()).isTrue();

        log.offer(entry("/one"));
        log.offer(entry("/two"));

        await("two lines", () -> paths(file).size() == 2);
        assertThat(paths(file)).containsExactly("/one", "/two");
        assertThat(log.clock().instant()).isEqualTo(CLOCK.instant());
        await("the lines counter", () -> count("terminus.access.log.lines") == 2);
    }

    @Test
    void dropsAndCountsWhenTheQueueIsFullAndNeverBlocksTheCaller() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                entered.countDown();
                try {
                    if (!release.await(20, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (sink) {
                    sink.write(b, off, len);
                }
            }
        };
        AccessLog log = log(4, path -> blocking);
        log.apply(to(dir.resolve("unused")));

        log.offer(entry("/0"));
        // The writer took /0 and is stuck flushing it: the queue is empty and nobody drains it.
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 7; i++) {
            log.offer(entry("/" + i));
        }

        assertThat(count("terminus.access.log.dropped", "reason", "queue_full")).isEqualTo(3);
        release.countDown();
        await("five lines", () -> count("terminus.access.log.lines") == 5);
        String written;
        synchronized (sink) {
            written = sink.toString(StandardCharsets.UTF_8);
        }
        List<String> paths = new ArrayList<>();
        for (String line : written.split("\n")) {
            paths.add(JSON.readTree(line).get("path").asText());
        }
        assertThat(paths).containsExactly("/0", "/1", "/2", "/3", "/4");
    }

    @Test
    void aFailedWriteIsCountedAndTheLogGoesOnAfterReopen() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        ByteArrayOutputStream good = new ByteArrayOutputStream();
        AccessLog log = log(64, path -> {
            if (opens.incrementAndGet() == 1) {
                return new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("No space left on device");
                    }
                };
            }
            return good;
        });
        log.apply(to(dir.resolve("unused")));

        log.offer(entry("/lost"));
        await("the write error", () -> count("terminus.access.log.errors", "operation", "write") >= 1);
        assertThat(count("terminus.access.log.dropped", "reason", "write_failed")).isEqualTo(1);

        assertThat(log.reopen().ok()).isTrue();
        log.offer(entry("/kept"));
        await("the line after the failure", () -> good.toString(StandardCharsets.UTF_8).contains("/kept"));
        assertThat(good.toString(StandardCharsets.UTF_8)).doesNotContain("/lost");
    }

    @Test
    void aFileThatCannotBeOpenedIsReportedByReopenAndRetried() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        ByteArrayOutputStream good = new ByteArrayOutputStream();
        AccessLog log = log(64, path -> {
            if (opens.incrementAndGet() <= 2) {
                throw new IOException("Permission denied");
            }
            return good;
        });
        log.apply(to(dir.resolve("denied.log")));
        await("the open error", () -> count("terminus.access.log.errors", "operation", "open") >= 1);

        AccessLog.Reopened failed = log.reopen();
        assertThat(failed.ok()).isFalse();
        assertThat(failed.message()).contains("denied.log").contains("Permission denied");

        AccessLog.Reopened ok = log.reopen();
        assertThat(ok.ok()).as(ok.message()).isTrue();
        log.offer(entry("/after"));
        await("the line", () -> good.toString(StandardCharsets.UTF_8).contains("/after"));
    }

    @Test
    void reopenStartsANewFileAfterTheOldOneWasMoved() throws Exception {
        Path file = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        AccessLog log = fileLog();
        log.apply(to(file));
        log.offer(entry("/before"));
        await("the first line", () -> paths(file).size() == 1);

        Files.move(file, rotated);
        // Until the reopen, lines still go to the open file, now under its new name.
        log.offer(entry("/moved"));
        await("the line in the moved file", () -> paths(rotated).size() == 2);
        AccessLog.Reopened r = log.reopen();
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(file).exists();
        log.offer(entry("/after"));

        await("the line in the new file", () -> paths(file).size() == 1);
        assertThat(paths(rotated)).containsExactly("/before", "/moved");
        assertThat(paths(file)).containsExactly("/after");
    }

    @Test
    void applySwitchesToANewPathAndTurnsTheLogOff() throws Exception {
        Path a = dir.resolve("a.log");
        Path b = dir.resolve("b.log");
        AccessLog log = fileLog();
        log.apply(to(a));
        log.offer(entry("/a"));
        await("the line in a", () -> paths(a).size() == 1);

        log.apply(to(b));
        log.offer(entry("/b"));
        await("the line in b", () -> paths(b).size() == 1);

        log.apply(ProxyConfig.AccessLogConfig.OFF);
        assertThat(log.enabled()).isFalse();
        assertThat(log.reopen().message()).contains("off");
        assertThat(paths(a)).containsExactly("/a");
        assertThat(paths(b)).containsExactly("/b");
    }

    @Test
    void closeWritesEverythingQueued() throws Exception {
        Path file = dir.resolve("access.log");
        AccessLog log = fileLog();
        log.apply(to(file));
        for (int i = 0; i < 1000; i++) {
            log.offer(entry("/" + i));
        }

        log.close();

        List<String> paths = paths(file);
        assertThat(paths).hasSize(1000);
        assertThat(paths.get(999)).isEqualTo("/999");
        assertThat(count("terminus.access.log.dropped", "reason", "queue_full")).isZero();
    }

    @Test
    void theOffInstanceIgnoresConfiguration() {
        AccessLog off = AccessLog.off();
        off.apply(to(dir.resolve("never.log")));
        assertThat(off.enabled()).isFalse();
        assertThat(dir.resolve("never.log")).doesNotExist();
    }

    @Test
    void reopenTimesOutOnlyAfterItsBound() {
        // A sanity bound for the test suite: reopen on a log that was never enabled answers at once.
        long start = System.nanoTime();
        assertThat(fileLog().reopen().ok()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
}
