package dev.terminus.controlplane.webhooks;

import dev.terminus.controlplane.store.EventLog;
import dev.terminus.controlplane.store.StoreException;
import dev.terminus.controlplane.store.StoredEvent;
import dev.terminus.controlplane.store.WebhookDeliveryState;
import dev.terminus.controlplane.store.WebhookDeliveryStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Implements {@link WebhookDispatcher}. The store is the source of truth for cursors and backoff: every
 * run re-reads it, so a cursor write that failed is simply not there and its event goes out again.
 */
final class DefaultWebhookDispatcher implements WebhookDispatcher {

    private static final Logger log = LoggerFactory.getLogger(DefaultWebhookDispatcher.class);
    private static final AtomicInteger DISPATCHERS = new AtomicInteger();

    private final EventLog events;
    private final WebhookDeliveryStore deliveries;
    private final List<Target> targets;
    private final HttpClient client;
    private final Clock clock;
    private final WebhookPolicy policy;
    private final ExecutorService workers;

    private DefaultWebhookDispatcher(EventLog events, WebhookDeliveryStore deliveries, List<Target> targets,
            HttpClient client, Clock clock, WebhookPolicy policy) {
        this.events = events;
        this.deliveries = deliveries;
        this.targets = targets;
        this.client = client;
        this.clock = clock;
        this.policy = policy;
        int dispatcher = DISPATCHERS.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        // One thread per target: a target waiting out its request timeout holds only its own thread.
        this.workers = Executors.newFixedThreadPool(Math.max(1, targets.size()), task -> {
            Thread worker = new Thread(task, "terminus-webhooks-" + dispatcher + "-" + thread.incrementAndGet());
            worker.setDaemon(true);
            return worker;
        });
    }

    /** Validates the targets, registers each in {@code deliveries} and returns the dispatcher. */
    static DefaultWebhookDispatcher create(EventLog events, WebhookDeliveryStore deliveries, List<WebhookTarget> targets,
            HttpClient client, Clock clock, WebhookPolicy policy) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(deliveries, "deliveries");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(policy, "policy");
        Set<String> ids = new HashSet<>();
        List<Target> runtime = new ArrayList<>();
        for (WebhookTarget target : List.copyOf(targets)) {
            if (!ids.add(target.id())) {
                throw new IllegalArgumentException("targets: " + target.id() + " twice (expected: unique ids)");
            }
            deliveries.register(target.id(), target.startAt() == WebhookTarget.StartAt.LATEST, clock.instant());
            runtime.add(new Target(target));
        }
        log.info("Delivering events to {} webhook target(s)", runtime.size());
        return new DefaultWebhookDispatcher(events, deliveries, List.copyOf(runtime), client, clock, policy);
    }

    @Override
    public synchronized int runOnce() {
        if (workers.isShutdown()) {
            throw new IllegalStateException("dispatcher: closed (expected: runOnce before close)");
        }
        List<Future<Integer>> runs = new ArrayList<>(targets.size());
        for (Target target : targets) {
            runs.add(workers.submit(() -> drain(target)));
        }
        int acknowledged = 0;
        for (Future<Integer> run : runs) {
            try {
                acknowledged += run.get();
            } catch (InterruptedException e) {
                runs.forEach(r -> r.cancel(true));
                Thread.currentThread().interrupt();
                return acknowledged;
            } catch (ExecutionException e) {
                // drain() handles every expected failure; anything else is a bug, but must not stop the others.
                log.error("Webhook delivery failed unexpectedly", e.getCause());
            }
        }
        return acknowledged;
    }

    /** Sends {@code target} its due events in order until the first failure; returns how many it acknowledged. */
    private int drain(Target target) {
        Instant now = clock.instant();
        if (target.notBefore != null && now.isBefore(target.notBefore)) {
            return 0;
        }
        WebhookDeliveryState state;
        List<StoredEvent> batch;
        try {
            state = deliveries.find(target.config.id()).orElseGet(() -> deliveries.register(target.config.id(),
                    target.config.startAt() == WebhookTarget.StartAt.LATEST, now));
            if (state.nextAttemptAt() != null && now.isBefore(state.nextAttemptAt())) {
                return 0;
            }
            batch = events.readAfter(state.cursorId(), policy.maxEventsPerRun());
        } catch (StoreException e) {
            target.storeFailures.incrementAndGet();
            log.warn("Webhook {}: cannot read its cursor or the event log; retrying next run: {}", target.config.id(), e.getMessage());
            return 0;
        }
        int acknowledged = 0;
        boolean recovering = state.consecutiveFailures() > 0;
        for (StoredEvent event : batch) {
            String error = post(target.config, event);
            if (Thread.currentThread().isInterrupted()) {
                // Shutting down: not the receiver's fault, so no backoff; the event goes out again next time.
                return acknowledged;
            }
            Instant at = clock.instant();
            if (error == null) {
                acknowledged++;
                target.delivered.incrementAndGet();
                target.notBefore = null;
                state = state.delivered(event.id());
                if (!save(target, state, at)) {
                    return acknowledged;
                }
                if (recovering) {
                    recovering = false;
                    log.info("Webhook {}: delivering again after failures", target.config.id());
                }
            } else {
                target.failedAttempts.incrementAndGet();
                Instant retryAt = at.plus(policy.backoff(state.consecutiveFailures() + 1));
                state = state.failed(error, retryAt);
                // Kept in memory too: if the store write fails, the receiver is still not hammered every run.
                target.notBefore = retryAt;
                log.warn("Webhook {}: event {} failed ({}), attempt {}; retrying at {}", target.config.id(), event.id(),
                        error, state.consecutiveFailures(), retryAt);
                save(target, state, at);
                return acknowledged;
            }
        }
        return acknowledged;
    }

    /** Persists {@code state}; on failure logs, counts and returns false (the next run re-reads the old state). */
    private boolean save(Target target, WebhookDeliveryState state, Instant at) {
        try {
            deliveries.save(state, at);
            return true;
        } catch (StoreException e) {
            target.storeFailures.incrementAndGet();
            log.warn("Webhook {}: cannot save cursor {}; its next events will be sent again: {}", target.config.id(),
                    state.cursorId(), e.getMessage());
            return false;
        }
    }

    /** POSTs {@code event} to {@code target}; returns null on a 2xx answer, else why not. */
    private String post(WebhookTarget target, StoredEvent event) {
        byte[] body = WebhookPayload.json(event);
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url())
                .timeout(policy.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Terminus-Webhooks/1")
                .header("X-Terminus-Event-Id", Long.toString(event.id()))
                .header("X-Terminus-Event-Type", event.type())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (target.secret() != null) {
            request.header("X-Terminus-Signature", "sha256=" + WebhookPayload.sign(target.secret(), body));
        }
        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
        try {
            // HttpRequest.timeout() stops at the response headers; this bound also covers a body that never ends.
            int status = response.get(policy.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (TimeoutException e) {
            response.cancel(true);
            return "timed out after " + policy.requestTimeout();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                // The client's own bound on the response head and ours above are the same; whichever fires first, one error.
                return "timed out after " + policy.requestTimeout();
            }
            return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public List<WebhookStatus> status() {
        List<WebhookStatus> status = new ArrayList<>(targets.size());
        for (Target target : targets) {
            WebhookTarget config = target.config;
            WebhookDeliveryState state = deliveries.find(config.id())
                    .orElseGet(() -> new WebhookDeliveryState(config.id(), 0, 0, null, null));
            status.add(new WebhookStatus(config.id(), config.url(), state.cursorId(), deliveries.eventsAfter(state.cursorId()),
                    state.consecutiveFailures(), state.nextAttemptAt(), state.lastError(), target.delivered.get(),
                    target.failedAttempts.get(), target.storeFailures.get()));
        }
        return status;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    /** Holds one target's configuration and in-memory counters; the cursor lives in the store. */
    private static final class Target {
        final WebhookTarget config;
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong failedAttempts = new AtomicLong();
        final AtomicLong storeFailures = new AtomicLong();
        // Written and read only by this target's drain, and runs never overlap (runOnce is synchronized).
        Instant notBefore;

        Target(WebhookTarget config) {
            this.config = config;
        }
    }
}
