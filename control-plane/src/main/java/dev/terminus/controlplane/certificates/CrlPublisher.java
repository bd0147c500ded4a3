package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.RevocationReason;
import dev.terminus.controlplane.ca.RevokedSerial;
import dev.terminus.controlplane.store.RevocationStore;
import dev.terminus.controlplane.store.RevocationStore.Crl;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each region's complete CRL (RFC 5280 §5), signed by the region's subordinate: on every
 * revocation, and from {@link #runOnce()} (what a timer calls) when a CRL is missing, misses a
 * revocation, or is older than half its validity. CRLs are persisted with their number, so numbers
 * keep growing across restarts. Entries of expired certificates are dropped (RFC 5280 §3.3 allows it).
 * Thread-safe; blocks on the store and the CA: never call it on an event loop.
 */
public final class CrlPublisher {

    private static final Logger log = LoggerFactory.getLogger(CrlPublisher.class);

    private final RevocationStore store;
    private final PrivateCa ca;
    private final RevocationConfig config;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();

    CrlPublisher(RevocationStore store, PrivateCa ca, RevocationConfig config, Clock clock) {
        this.store = store;
        this.ca = ca;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Returns the DER of {@code region}'s latest CRL, publishing the first one if none exists yet;
     * refuses a region without a subordinate CA ({@code RESOURCE_NOT_FOUND}). Reads the store on
     * every call, so that every control-plane instance serves the same, latest CRL.
     */
    public byte[] crl(String region) {
        if (!ca.regions().contains(region)) {
            throw CertificateException.of(ErrorCode.RESOURCE_NOT_FOUND, "region", region,
                    "a region with a subordinate CA, one of " + ca.regions());
        }
        return store.crl(region).map(Crl::der).orElseGet(() -> publish(region).der());
    }

    /** Re-publishes every region's CRL that is missing, behind the ledger or past half its validity; returns how many. */
    public int runOnce() {
        int published = 0;
        for (String region : ca.regions()) {
            try {
                if (due(region)) {
                    publish(region);
                    published++;
                }
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                log.warn("Publishing the CRL of {} failed; the last one stays served, next pass retries", region, e);
            }
        }
        return published;
    }

    /** Returns how many CRL publications failed since start (each one logged). */
    public long failures() {
        return failures.get();
    }

    /** Re-publishes {@code region}'s CRL after a revocation; a failure is logged and counted, and runOnce retries. */
    void publishAfterRevocation(String region) {
        try {
            publish(region);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.warn("The CRL of {} misses a revocation until the next pass: publishing failed", region, e);
        }
    }

    private boolean due(String region) {
        Crl current = store.crl(region).orElse(null);
        if (current == null || current.revocationCount() != store.count(region)) {
            return true;
        }
        Instant refresh = current.thisUpdate().plus(config.crlValidity().dividedBy(2));
        return !clock.instant().isBefore(refresh);
    }

    /** Signs and saves the next CRL of {@code region}; synchronized so that one instance never races itself for a number. */
    synchronized Crl publish(String region) {
        // Count before listing: a revocation landing in between is then on the CRL but not counted,
        // which only makes the next pass publish again; the reverse order could hide it.
        long count = store.count(region);
        Instant thisUpdate = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        List<RevokedSerial> revoked = store.unexpired(region, thisUpdate).stream()
                .map(r -> new RevokedSerial(new BigInteger(r.serial(), 16), r.revokedAt(), RevocationReason.valueOf(r.reason())))
                .toList();
        long number = store.crl(region).map(c -> c.crlNumber() + 1).orElse(1L);
        Instant nextUpdate = thisUpdate.plus(config.crlValidity());
        Crl crl = new Crl(region, number, thisUpdate, nextUpdate, count,
                ca.signCrl(region, number, thisUpdate, nextUpdate, revoked));
        store.saveCrl(crl);
        log.info("Published CRL {} of {} ({} entries, next update {})", number, region, revoked.size(), nextUpdate);
        return crl;
    }
}
