package dev.terminus.controlplane.webhooks;

import java.net.URI;
import java.time.Instant;

/**
 * Reports one target's delivery: {@code cursor} is the id of the last acknowledged event, {@code lag} how
 * many events wait behind it, {@code consecutiveFailures} the failed attempts at the next one,
 * {@code nextAttemptAt} when it is retried (null: at the next run) and {@code lastError} why the last
 * attempt failed (null after a success). The counters count since this process started: requests the
 * target acknowledged, attempts that failed, and store writes that failed (each of which re-sends).
 */
public record WebhookStatus(String id, URI url, long cursor, long lag, int consecutiveFailures, Instant nextAttemptAt,
        String lastError, long delivered, long failedAttempts, long storeFailures) {
}
