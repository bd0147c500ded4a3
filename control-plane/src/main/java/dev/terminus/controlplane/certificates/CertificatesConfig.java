package dev.terminus.controlplane.certificates;

import java.time.Duration;
import java.util.List;

/**
 * Holds the inventory's settings: the account in ARNs, the managed-renewal window before expiry,
 * and the retry backoff of failed renewals (doubling from {@code initialBackoff} up to {@code maxBackoff}).
 */
public record CertificatesConfig(String account, Duration renewalWindow, Duration initialBackoff, Duration maxBackoff) {

    /** ACM renews managed certificates 60 days before expiry. */
    public static final Duration DEFAULT_RENEWAL_WINDOW = Duration.ofDays(60);
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofHours(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofHours(24);
    /** ACM's expiry events for imported certificates: days before notAfter, largest first. */
    public static final List<Integer> EXPIRY_NOTICE_DAYS = List.of(45, 30, 15, 7, 3, 1);

    /** Validates every field; refusals name the field and value. */
    public CertificatesConfig {
        if (account == null || !CertificateArn.ACCOUNT.matcher(account).matches()) {
            throw CertificateException.invalid("account", account, "12 digits, e.g. 000000000000");
        }
        positive("renewalWindow", renewalWindow);
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw CertificateException.invalid("maxBackoff", maxBackoff, ">= initialBackoff " + initialBackoff);
        }
    }

    /** Returns the defaults for {@code account}: a 60-day window, retries from 1 hour doubling to 24 hours. */
    public static CertificatesConfig of(String account) {
        return new CertificatesConfig(account, DEFAULT_RENEWAL_WINDOW, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /** Returns a copy with {@code renewalWindow}. */
    public CertificatesConfig withRenewalWindow(Duration renewalWindow) {
        return new CertificatesConfig(account, renewalWindow, initialBackoff, maxBackoff);
    }

    /** Returns the delay before retry number {@code failures} + 1: initialBackoff × 2^(failures − 1), capped. */
    Duration backoff(int failures) {
        Duration delay = initialBackoff;
        for (int i = 1; i < failures && delay.compareTo(maxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }

    private static void positive(String field, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw CertificateException.invalid(field, value, "a positive duration, e.g. P60D or PT1H");
        }
    }
}
