package dev.terminus.controlplane.webhooks;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Bounds webhook delivery: retries back off exponentially from {@code initialBackoff}, doubling per
 * consecutive failure up to {@code maxBackoff}; each request (connect, headers and body) is cut off after
 * {@code requestTimeout}; one {@link WebhookDispatcher#runOnce()} sends at most {@code maxEventsPerRun}
 * events to each target. With a {@code jitter} generator the delay is drawn uniformly from zero to the
 * exponential value ("full jitter", as in the AWS Architecture Blog's "Exponential Backoff And Jitter"),
 * so that receivers recovering from an outage are not hit by every sender at once; null means no jitter.
 * The generator is the one mutable part, injected so that tests are repeatable.
 */
public record WebhookPolicy(Duration initialBackoff, Duration maxBackoff, Duration requestTimeout, int maxEventsPerRun,
        RandomGenerator jitter) {

    /** Validates the bounds. */
    public WebhookPolicy {
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        positive("requestTimeout", requestTimeout);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= initialBackoff " + initialBackoff + ")");
        }
        if (maxEventsPerRun < 1 || maxEventsPerRun > 1000) {
            throw new IllegalArgumentException("maxEventsPerRun: " + maxEventsPerRun + " (expected: 1 to 1000)");
        }
    }

    /** Returns 10 s initial backoff, 10 min maximum, 10 s per request, 100 events per target per run, no jitter. */
    public static WebhookPolicy defaults() {
        return new WebhookPolicy(Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofSeconds(10), 100, null);
    }

    /** Returns this policy with full jitter drawn from {@code random}. */
    public WebhookPolicy withJitter(RandomGenerator random) {
        return new WebhookPolicy(initialBackoff, maxBackoff, requestTimeout, maxEventsPerRun, Objects.requireNonNull(random, "random"));
    }

    /** Returns how long to wait after the {@code consecutiveFailures}-th failure in a row (1 for the first). */
    public Duration backoff(int consecutiveFailures) {
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("consecutiveFailures: " + consecutiveFailures + " (expected: >= 1)");
        }
        long initial = initialBackoff.toMillis();
        long max = maxBackoff.toMillis();
        // Stop doubling once past the cap: 2^62 ms would overflow long long before any cap is reached.
        long delay = initial;
        for (int i = 1; i < consecutiveFailures && delay < max; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, max);
        if (jitter != null) {
            delay = jitter.nextLong(delay + 1);
        }
        return Duration.ofMillis(delay);
    }

    private static void positive(String field, Duration value) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero() || value.toMillis() == 0) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: at least 1 ms)");
        }
    }
}
