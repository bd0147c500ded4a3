package dev.terminus.controlplane.webhooks;

import dev.terminus.controlplane.store.Store;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;

/**
 * Delivers the event log to webhook targets: one HTTP POST per event, in log order, at least once.
 *
 * <p>Each request carries the event as JSON ({@code id, type, time, region, certificateArn, detail}) and
 * the headers {@code Content-Type: application/json}, {@code X-Terminus-Event-Id},
 * {@code X-Terminus-Event-Type} and, when the target has a secret, {@code X-Terminus-Signature:
 * sha256=<hex>}: the HMAC-SHA256 of the exact body bytes under the secret (compare it in constant time).
 * A 2xx answer acknowledges the event and moves the target's persisted cursor past it; anything else
 * (another status, redirects included, a refused connection, a timeout) leaves the cursor where it was
 * and backs the target off per {@link WebhookPolicy}. Delivery is at-least-once: an event acknowledged
 * but whose cursor write did not happen (crash, store failure) is sent again, so receivers must dedupe on
 * {@code X-Terminus-Event-Id} (equal to the body's {@code id}, unique within one store). A target that
 * keeps failing holds back only its own later events, never another target's, and is retried for as
 * long as it is configured: events are never skipped.
 *
 * <p>Threading: {@link #runOnce()} and {@link #status()} block on the store and the network; call them
 * from a timer thread, never from an event loop.
 */
public interface WebhookDispatcher extends AutoCloseable {

    /**
     * Returns a dispatcher for {@code targets} (ids unique), registering each in the store: a target seen
     * before keeps its persisted cursor and backoff, a new one starts per its {@link WebhookTarget#startAt()}.
     * {@code client} should have a connect timeout; {@link WebhookPolicy#requestTimeout()} bounds each
     * request whole in any case. The dispatcher does not own {@code store} or {@code client}.
     */
    static WebhookDispatcher create(Store store, List<WebhookTarget> targets, HttpClient client, Clock clock,
            WebhookPolicy policy) {
        return DefaultWebhookDispatcher.create(store.events(), store.webhookDeliveries(), targets, client, clock, policy);
    }

    /**
     * Sends every due target the events after its cursor, in order, up to
     * {@link WebhookPolicy#maxEventsPerRun()} each, stopping a target at its first failure; returns how many
     * events targets acknowledged. Targets are served concurrently, one thread each, so a slow or dead
     * target costs the others nothing within a run; a run lasts at most about
     * {@code maxEventsPerRun × requestTimeout}. A target backing off is skipped until its next attempt time.
     * Calls do not overlap: a second caller waits for the first. What a timer calls, with a fixed delay.
     */
    int runOnce();

    /** Returns each configured target's delivery status, in configuration order; blocks on the store. */
    List<WebhookStatus> status();

    /** Stops the worker threads, interrupting requests in flight (their events are sent again later); runOnce then refuses. */
    @Override
    void close();
}
