package dev.terminus.controlplane.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Persists webhook targets' delivery cursors and backoff state, one row per target id, so that a
 * restart resumes where delivery stopped. Cursors only move forward. Thread-safe, blocking.
 */
public interface WebhookDeliveryStore {

    /**
     * Returns the state of {@code targetId}, first creating it if absent with its cursor at 0 (deliver the
     * whole log) or, when {@code fromLatest}, at the newest event id now in the log (deliver only later events).
     * An existing row wins: re-registering never moves a cursor.
     */
    WebhookDeliveryState register(String targetId, boolean fromLatest, Instant now);

    /** Returns the state of {@code targetId}, if registered. */
    Optional<WebhookDeliveryState> find(String targetId);

    /**
     * Writes {@code state}; refuses with {@code NOT_FOUND} an unregistered target and with {@code CONFLICT}
     * a cursor lower than the stored one (a stale writer must not re-open delivered events).
     */
    void save(WebhookDeliveryState state, Instant now);

    /** Returns how many events of the log have ids greater than {@code cursorId}: a target's lag. */
    long eventsAfter(long cursorId);
}
