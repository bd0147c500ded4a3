package dev.terminus.controlplane.webhooks;

import dev.terminus.controlplane.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.controlplane.store.Kek;
import dev.terminus.controlplane.store.Store;
import dev.terminus.controlplane.store.StoredEvent;
import dev.terminus.controlplane.webhooks.WebhookTarget.StartAt;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook delivery against real HTTP receivers on loopback: order, signature, backoff, isolation, restarts. */
class WebhookDispatcherTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String ARN = "arn:terminus:acm:eu-west-3:123456789012:certificate/0b3c6a8e-2f1d-4c55-9e3a-7d2f1a0c9b11";
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private static final WebhookPolicy POLICY =
            new WebhookPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(10), 100, null);

    @TempDir
    Path dir;

    private final Kek kek = Kek.generate();
    private final MutableClock clock = new MutableClock(T0);
    private Store store;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void ok_deliversInOrderWithHeadersAndAVerifiableSignature() throws Exception {
        store = Store.openEmbedded(dir, kek);
        long first = append("CERTIFICATE_ISSUED", ARN, "issued \"x\"\n");
        append("CERTIFICATE_RENEWED", ARN, "renewed");
        append("CERTIFICATE_DELETED", null, "deleted");
        try (Receiver signed = Receiver.start(); Receiver unsigned = Receiver.start();
                WebhookDispatcher dispatcher = dispatcher(POLICY,
                        target("signed", signed.uri()).withSecret("s3cret"), target("unsigned", unsigned.uri()))) {

            assertThat(dispatcher.runOnce()).isEqualTo(6);

            List<Receiver.Request> requests = signed.requests();
            assertThat(signed.eventIds()).containsExactly("" + first, "" + (first + 1), "" + (first + 2));
            assertThat(requests).extracting(r -> r.header("X-Terminus-Event-Type"))
                    .containsExactly("CERTIFICATE_ISSUED", "CERTIFICATE_RENEWED", "CERTIFICATE_DELETED");
            Receiver.Request request = requests.get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            assertThat(request.body()).isEqualTo("{\"id\":" + first + ",\"type\":\"CERTIFICATE_ISSUED\",\"time\":\"2030-01-01T00:00:00Z\","
                    + "\"region\":\"eu-west-3\",\"certificateArn\":\"" + ARN + "\",\"detail\":\"issued \\\"x\\\"\\n\"}");
            assertThat(requests.get(2).body()).contains("\"region\":null,\"certificateArn\":null");
            for (Receiver.Request each : requests) {
                assertThat(each.header("X-Terminus-Signature")).isEqualTo("sha256=" + hmac("s3cret", each.body()));
            }
            assertThat(unsigned.eventIds()).hasSize(3);
            assertThat(unsigned.requests()).allSatisfy(r -> assertThat(r.header("X-Terminus-Signature")).isNull());
            assertThat(dispatcher.status()).allSatisfy(s -> {
                assertThat(s.cursor()).isEqualTo(first + 2);
                assertThat(s.lag()).isZero();
                assertThat(s.delivered()).isEqualTo(3);
                assertThat(s.consecutiveFailures()).isZero();
            });
            assertThat(dispatcher.runOnce()).isZero();
        }
    }

    @Test
    void ok_newTargetStartsAtLatestUnlessAskedForEarliest() {
        store = Store.openEmbedded(dir, kek);
        long old = append("CERTIFICATE_ISSUED", ARN, "before");
        try (Receiver earliest = Receiver.start(); Receiver latest = Receiver.start();
                WebhookDispatcher dispatcher = dispatcher(POLICY, target("earliest", earliest.uri()),
                        WebhookTarget.of("latest", latest.uri()))) {
            long fresh = append("CERTIFICATE_REVOKED", ARN, "after");

            dispatcher.runOnce();

            assertThat(earliest.eventIds()).containsExactly("" + old, "" + fresh);
            assertThat(latest.eventIds()).containsExactly("" + fresh);
        }
    }

    @Test
    void ok_retriesAfterTwo500sThenAdvances() {
        store = Store.openEmbedded(dir, kek);
        long id = append("CERTIFICATE_ISSUED", ARN, "issued");
        try (Receiver receiver = Receiver.start().answer(500, 500);
                WebhookDispatcher dispatcher = dispatcher(POLICY, target("r", receiver.uri()))) {

            assertThat(dispatcher.runOnce()).isZero();
            WebhookStatus status = dispatcher.status().get(0);
            assertThat(status.cursor()).isZero();
            assertThat(status.lag()).isEqualTo(1);
            assertThat(status.consecutiveFailures()).isEqualTo(1);
            assertThat(status.lastError()).isEqualTo("HTTP 500");
            assertThat(status.nextAttemptAt()).isEqualTo(T0.plusSeconds(1));

            // Not due yet: nothing is sent.
            assertThat(dispatcher.runOnce()).isZero();
            assertThat(receiver.requests()).hasSize(1);

            clock.advance(Duration.ofSeconds(1));
            assertThat(dispatcher.runOnce()).isZero();
            assertThat(dispatcher.status().get(0).nextAttemptAt()).isEqualTo(T0.plusSeconds(1 + 2));

            clock.advance(Duration.ofSeconds(2));
            assertThat(dispatcher.runOnce()).isEqualTo(1);

            assertThat(receiver.eventIds()).containsExactly("" + id, "" + id, "" + id);
            status = dispatcher.status().get(0);
            assertThat(status.cursor()).isEqualTo(id);
            assertThat(status.consecutiveFailures()).isZero();
            assertThat(status.nextAttemptAt()).isNull();
            assertThat(status.lastError()).isNull();
            assertThat(status.failedAttempts()).isEqualTo(2);
            assertThat(status.delivered()).isEqualTo(1);
        }
    }

    @Test
    void ok_backoffDoublesUpToTheMax() {
        store = Store.openEmbedded(dir, kek);
        append("CERTIFICATE_ISSUED", ARN, "issued");
        try (Receiver receiver = Receiver.start().byDefault(503);
                WebhookDispatcher dispatcher = dispatcher(POLICY, target("r", receiver.uri()))) {
            for (long expected : new long[] {1, 2, 4, 8, 8, 8}) {
                dispatcher.runOnce();
                Instant next = dispatcher.status().get(0).nextAttemptAt();
                assertThat(Duration.between(clock.instant(), next)).isEqualTo(Duration.ofSeconds(expected));
                clock.set(next);
            }
            assertThat(receiver.requests()).hasSize(6);
            assertThat(dispatcher.status().get(0).consecutiveFailures()).isEqualTo(6);
        }
    }

    @Test
    void ok_deadAndSlowTargetsDoNotDelayAHealthyOne() throws Exception {
        store = Store.openEmbedded(dir, kek);
        append("CERTIFICATE_ISSUED", ARN, "one");
        append("CERTIFICATE_ISSUED", ARN, "two");
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService timer = Executors.newSingleThreadExecutor();
        try (Receiver slow = Receiver.start(); Receiver healthy = Receiver.start();
                WebhookDispatcher dispatcher = dispatcher(POLICY, target("dead", closedPort()),
                        target("slow", slow.uri()), target("healthy", healthy.uri()))) {
            slow.beforeAnswer(() -> Receiver.await(release));

            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(dispatcher::runOnce, timer);

            // The healthy target gets both events (the second only after the first was acknowledged)
            // while the slow target's first request is still unanswered.
            assertThat(healthy.awaitRequests(2)).isTrue();
            assertThat(slow.awaitRequests(1)).isTrue();
            assertThat(run).isNotDone();
            release.countDown();
            assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(4);

            List<WebhookStatus> status = dispatcher.status();
            assertThat(status.get(0).consecutiveFailures()).isEqualTo(1);
            assertThat(status.get(0).lastError()).contains("ConnectException");
            assertThat(status.get(0).lag()).isEqualTo(2);
            assertThat(status.get(1).lag()).isZero();
            assertThat(status.get(2).lag()).isZero();
        } finally {
            release.countDown();
            timer.shutdownNow();
        }
    }

    @Test
    void ok_requestTimeoutBoundsAReceiverThatNeverAnswers() {
        store = Store.openEmbedded(dir, kek);
        append("CERTIFICATE_ISSUED", ARN, "issued");
        WebhookPolicy policy = new WebhookPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMillis(300), 100, null);
        try (Receiver hanging = Receiver.start().hang();
                WebhookDispatcher dispatcher = dispatcher(policy, target("hanging", hanging.uri()))) {
            long started = System.nanoTime();

            assertThat(dispatcher.runOnce()).isZero();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            WebhookStatus status = dispatcher.status().get(0);
            assertThat(status.lastError()).isEqualTo("timed out after PT0.3S");
            assertThat(status.nextAttemptAt()).isEqualTo(T0.plusSeconds(1));
        }
    }

    @Test
    void ok_restartResumesFromThePersistedCursorAndBackoff() {
        store = Store.openEmbedded(dir, kek);
        long first = append("CERTIFICATE_ISSUED", ARN, "one");
        long second = append("CERTIFICATE_RENEWED", ARN, "two");
        long third;
        try (Receiver before = Receiver.start(); Receiver failing = Receiver.start().byDefault(500);
                WebhookDispatcher dispatcher = dispatcher(POLICY, target("r", before.uri()), target("failing", failing.uri()))) {
            assertThat(dispatcher.runOnce()).isEqualTo(2);
            assertThat(before.eventIds()).containsExactly("" + first, "" + second);
        }
        store.close();

        store = Store.openEmbedded(dir, kek);
        third = append("CERTIFICATE_EXPIRED", ARN, "three");
        // Same ids, new URLs: the cursor belongs to the id, so the receiver can move.
        try (Receiver after = Receiver.start(); Receiver failing = Receiver.start();
                WebhookDispatcher dispatcher = dispatcher(POLICY, target("r", after.uri()), target("failing", failing.uri()))) {
            assertThat(dispatcher.status().get(1).consecutiveFailures()).isEqualTo(1);

            assertThat(dispatcher.runOnce()).isEqualTo(1);

            assertThat(after.eventIds()).containsExactly("" + third);
            // Still backing off from before the restart.
            assertThat(failing.requests()).isEmpty();
            clock.advance(Duration.ofSeconds(1));
            assertThat(dispatcher.runOnce()).isEqualTo(3);
            assertThat(failing.eventIds()).containsExactly("" + first, "" + second, "" + third);
        }
    }

    @Test
    void ok_atLeastOnceWhenTheCursorWriteFailsAfterTheReceiverAcknowledged() {
        store = Store.openEmbedded(dir, kek);
        long first = append("CERTIFICATE_ISSUED", ARN, "one");
        long second = append("CERTIFICATE_RENEWED", ARN, "two");
        Store crashing = store;
        try (Receiver receiver = Receiver.start();
                WebhookDispatcher dispatcher = dispatcher(POLICY, target("r", receiver.uri()))) {
            // The store goes away between the POST and the cursor write, as in a crash at that point.
            receiver.beforeAnswer(crashing::close);

            assertThat(dispatcher.runOnce()).isEqualTo(1);
            receiver.beforeAnswer(() -> { });

            store = Store.openEmbedded(dir, kek);
            try (WebhookDispatcher restarted = dispatcher(POLICY, target("r", receiver.uri()))) {
                assertThat(restarted.status().get(0).cursor()).isZero();

                assertThat(restarted.runOnce()).isEqualTo(2);

                // The acknowledged event is sent again with the same id: receivers dedupe on it.
                assertThat(receiver.eventIds()).containsExactly("" + first, "" + first, "" + second);
                assertThat(restarted.status().get(0).cursor()).isEqualTo(second);
            }
        }
    }

    private WebhookDispatcher dispatcher(WebhookPolicy policy, WebhookTarget... targets) {
        return WebhookDispatcher.create(store, List.of(targets), CLIENT, clock, policy);
    }

    private static WebhookTarget target(String id, URI url) {
        return WebhookTarget.of(id, url).withStartAt(StartAt.EARLIEST);
    }

    private long append(String type, String arn, String detail) {
        return store.events().append(StoredEvent.draft(clock.instant(), type, arn, detail)).id();
    }

    /** Returns a URL on a loopback port that was just free and is now closed: connections are refused. */
    private static URI closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        }
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
