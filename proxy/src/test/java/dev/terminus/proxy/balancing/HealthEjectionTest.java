package dev.terminus.proxy.balancing;

import dev.terminus.proxy.testing.ProxyRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a backend under continuous load and starts it again: the health check ejects it and
 * brings it back, and only requests in flight to it when it died may fail.
 */
class HealthEjectionTest {
    private static final int WORKERS = 4;

    @TempDir
    Path dir;

    @Test
    void aStoppedTargetIsEjectedAndReturnsWithOnlyInFlightRequestsFailing() throws Exception {
        try (Backend a = new Backend("a"); Backend b = new Backend("b");
             ProxyRig rig = new ProxyRig(LbRig.write(dir, LbRig.group("g", "", a, b),
                     LbRig.plainListener("http", "default-action: { forward: { target-group: g } }")), 60_000)) {
            TargetState bState = rig.app.runtime().targetGroups().target("g", "127.0.0.1", b.port());
            URI uri = URI.create("http://127.0.0.1:" + LbRig.port(rig, "http") + "/load");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            Semaphore servedByA = new Semaphore(0);
            Semaphore servedByB = new Semaphore(0);
            List<CompletableFuture<Void>> load = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            for (int w = 0; w < WORKERS; w++) {
                load.add(CompletableFuture.runAsync(() -> {
                    // Bounded in count and time, whatever the backends do.
                    for (int i = 0; i < 20_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                        try {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                                (r.body().equals("a\n") ? servedByA : servedByB).release();
                            } else {
                                failures.add(r.statusCode() + " " + r.headers().firstValue("x-terminus-error").orElse(""));
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }, java.util.concurrent.Executors.newSingleThreadExecutor()));
            }
            try {
                assertThat(servedByB.tryAcquire(50, 20, TimeUnit.SECONDS)).as("b serves before it stops").isTrue();
                b.stop();
                assertThat(bState.awaitHealthy(false, Duration.ofSeconds(10))).as("b ejected").isFalse();
                int failedWhileDying = failures.size();
                // Each worker's connection has at most one request to b in flight, plus at most one
                // pooled connection to b that the proxy may pick just before b's close arrives.
                assertThat(failedWhileDying).as("failures: " + failures).isLessThanOrEqualTo(2 * WORKERS);

                servedByA.drainPermits();
                assertThat(servedByA.tryAcquire(200, 20, TimeUnit.SECONDS)).isTrue();
                assertThat(failures).as("no failure once b is out of the rotation").hasSize(failedWhileDying);

                b.start(b.port());
                assertThat(bState.awaitHealthy(true, Duration.ofSeconds(10))).as("b back").isTrue();
                servedByB.drainPermits();
                assertThat(servedByB.tryAcquire(50, 20, TimeUnit.SECONDS)).as("b serves again").isTrue();
            } finally {
                stop.set(true);
                CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
            assertThat(failures.size()).as("failures: " + failures).isLessThanOrEqualTo(2 * WORKERS);
            assertThat(ok.get()).isGreaterThan(300);
            assertThat(rig.count("terminus.target.ejections", "target_group", "g")).isEqualTo(1.0);
            assertThat(rig.admin("/metrics").body())
                    .contains("terminus_target_group_healthy_targets{target_group=\"g\"} 2.0");
        }
    }
}
