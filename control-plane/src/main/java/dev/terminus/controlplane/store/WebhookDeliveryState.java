package dev.terminus.controlplane.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Holds one webhook target's persisted delivery state: {@code cursorId} is the id of the last event the
 * target acknowledged (0 for none), {@code consecutiveFailures} counts failed attempts at the event after
 * it, {@code nextAttemptAt} is when to try again (null: due now) and {@code lastError} says why the last
 * attempt failed (null after a success).
 */
public record WebhookDeliveryState(String targetId, long cursorId, int consecutiveFailures, Instant nextAttemptAt,
        String lastError) {

    /** Refuses a missing id and negative counts. */
    public WebhookDeliveryState {
        Objects.requireNonNull(targetId, "targetId");
        if (cursorId < 0) {
            throw new IllegalArgumentException("cursorId: " + cursorId + " (expected: >= 0)");
        }
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures: " + consecutiveFailures + " (expected: >= 0)");
        }
    }

    /** Returns this state after the target acknowledged event {@code eventId}: failures and error cleared. */
    public WebhookDeliveryState delivered(long eventId) {
        return new WebhookDeliveryState(targetId, eventId, 0, null, null);
    }

    /** Returns this state after one more failed attempt, to be retried at {@code retryAt}. */
    public WebhookDeliveryState failed(String error, Instant retryAt) {
        return new WebhookDeliveryState(targetId, cursorId, consecutiveFailures + 1, retryAt, error);
    }
}
