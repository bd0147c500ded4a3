package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.CaException;
import dev.terminus.controlplane.store.CertificateQuery;
import dev.terminus.controlplane.store.CertificateRecord;
import dev.terminus.controlplane.store.CertificateStore;
import dev.terminus.controlplane.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs managed renewal and expiry, one pass per {@link #runOnce()} (what a timer calls; tests move
 * the clock and call it). For each ISSUED certificate: past notAfter, it becomes EXPIRED with an
 * event; a PRIVATE one inside the renewal window is re-issued under the same ARN, failures retried
 * with exponential backoff, each one an event; an IMPORTED one raises an ApproachingExpiration
 * event as it crosses 45, 30, 15, 7, 3 and 1 days before expiry, each threshold once. Not
 * re-entrant: call it from one timer thread; it blocks, so never on an event loop.
 */
public final class RenewalScheduler {

    private static final Logger log = LoggerFactory.getLogger(RenewalScheduler.class);
    private static final int PAGE = 200;
    private static final int IGNORE = -1;

    private final CertificateStore store;
    private final Issuance issuance;
    private final CertificatesConfig config;
    private final Clock clock;
    private final Duration horizon;

    RenewalScheduler(CertificateStore store, Issuance issuance, CertificatesConfig config, Clock clock) {
        this.store = store;
        this.issuance = issuance;
        this.config = config;
        this.clock = clock;
        Duration notices = Duration.ofDays(CertificatesConfig.EXPIRY_NOTICE_DAYS.get(0));
        this.horizon = config.renewalWindow().compareTo(notices) > 0 ? config.renewalWindow() : notices;
    }

    /** Makes one pass over the certificates that expire within the horizon, and reports what it did. */
    public synchronized RenewalReport runOnce() {
        Instant now = clock.instant();
        int[] counts = new int[5];
        String after = null;
        List<CertificateRecord> page;
        do {
            page = store.list(new CertificateQuery(null, Set.of(CertificateStatus.ISSUED.name()), Set.of(), Set.of(),
                    now.plus(horizon), after, PAGE));
            for (CertificateRecord record : page) {
                try {
                    int outcome = visit(record, now);
                    if (outcome != IGNORE) {
                        counts[outcome]++;
                    }
                } catch (StoreException e) {
                    if (e.code() != StoreException.Code.CONFLICT && e.code() != StoreException.Code.NOT_FOUND) {
                        throw e;
                    }
                    // Re-imported or deleted while we looked: the next pass sees the new state.
                    log.info("Skipped {} this pass: it changed meanwhile ({})", record.arn(), e.getMessage());
                    counts[4]++;
                }
            }
            after = page.isEmpty() ? null : page.get(page.size() - 1).arn();
        } while (page.size() == PAGE);
        RenewalReport report = new RenewalReport(counts[0], counts[1], counts[2], counts[3], counts[4]);
        if (report.renewed() + report.failed() + report.notified() + report.expired() > 0) {
            log.info("Renewal pass: {}", report);
        }
        return report;
    }

    /** Acts on one certificate; returns the index of the count to bump (0 renewed … 3 expired), or IGNORE. */
    private int visit(CertificateRecord record, Instant now) {
        if (!record.notAfter().isAfter(now)) {
            store.update(record.withStatus(CertificateStatus.EXPIRED.name()), null, Records.event(now,
                    EventType.CERTIFICATE_EXPIRED, record.arn(), "expired at " + record.notAfter()));
            return 3;
        }
        if (CertificateType.PRIVATE.name().equals(record.type())) {
            return renewIfDue(record, now);
        }
        return noticeIfDue(record, now);
    }

    private int renewIfDue(CertificateRecord record, Instant now) {
        CertificateRecord.Renewal renewal = record.renewal();
        boolean inWindow = !now.isBefore(record.notAfter().minus(config.renewalWindow()));
        boolean due = renewal.nextAttemptAt() == null || !now.isBefore(renewal.nextAttemptAt());
        if (!inWindow || !due) {
            return IGNORE;
        }
        try {
            issuance.renew(record);
            return 0;
        } catch (CaException e) {
            int attempts = renewal.attempts() + 1;
            Instant next = now.plus(config.backoff(attempts));
            store.update(record.withRenewal(new CertificateRecord.Renewal(RenewalStatus.FAILED.name(), e.getMessage(), now,
                    attempts, next)), null, Records.event(now, EventType.RENEWAL_FAILED, record.arn(), "attempt " + attempts
                    + " failed: " + e.getMessage() + "; next attempt at " + next));
            log.warn("Renewal of {} failed (attempt {}, next at {}): {}", record.arn(), attempts, next, e.getMessage());
            return 1;
        }
    }

    private int noticeIfDue(CertificateRecord record, Instant now) {
        Duration left = Duration.between(now, record.notAfter());
        Integer crossed = null;
        // Only the tightest threshold crossed since the last notice is raised: a scheduler that was
        // down for weeks sends one event for "15 days left", not three stale ones.
        for (int days : CertificatesConfig.EXPIRY_NOTICE_DAYS) {
            boolean reached = left.compareTo(Duration.ofDays(days)) <= 0;
            boolean announced = record.expiryNoticeDays() != null && record.expiryNoticeDays() <= days;
            if (reached && !announced) {
                crossed = days;
            }
        }
        if (crossed == null) {
            return IGNORE;
        }
        store.update(record.withExpiryNoticeDays(crossed), null, Records.event(now, EventType.APPROACHING_EXPIRATION,
                record.arn(), "daysBeforeExpiry=" + crossed + "; expires at " + record.notAfter() + "; re-import to renew"));
        return 2;
    }
}
