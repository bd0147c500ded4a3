package dev.terminus.controlplane.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Persists the private CA's revocation ledger (one row per revoked serial, per region) and each
 * region's latest CRL. Ledger rows are never changed or removed, also when the certificate is
 * deleted. {@code serial} is lower-case hex, as in {@link CertificateRecord#serial()}; {@code reason}
 * is the name of the CA library's reason enum. Thread-safe; calls block on I/O.
 */
public interface RevocationStore {

    /** Holds one revoked serial: which certificate it was, when, why, and when it would have expired. */
    record Revocation(String region, String serial, String certificateArn, Instant revokedAt, String reason,
            Instant notAfter) {
        /** Refuses missing fields. */
        public Revocation {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(serial, "serial");
            Objects.requireNonNull(certificateArn, "certificateArn");
            Objects.requireNonNull(revokedAt, "revokedAt");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(notAfter, "notAfter");
        }
    }

    /**
     * Holds a region's published CRL: its number, validity, how many ledger rows of the region
     * existed when it was made (to spot a CRL that misses a revocation), and its DER bytes.
     */
    record Crl(String region, long crlNumber, Instant thisUpdate, Instant nextUpdate, long revocationCount, byte[] der) {
        /** Refuses missing fields. */
        public Crl {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(thisUpdate, "thisUpdate");
            Objects.requireNonNull(nextUpdate, "nextUpdate");
            Objects.requireNonNull(der, "der");
        }
    }

    /**
     * Writes {@code record} (already carrying its new status) and the ledger row and event in one
     * transaction; returns the record with its next version. Refuses a stale version or an already
     * revoked serial ({@code CONFLICT}) and a missing certificate ({@code NOT_FOUND}).
     */
    CertificateRecord revoke(CertificateRecord record, Revocation revocation, StoredEvent event);

    /** Returns the revocation of {@code serial} in {@code region}, if it is revoked. */
    Optional<Revocation> find(String region, String serial);

    /** Returns the latest revocation recorded for {@code certificateArn}, if any. */
    Optional<Revocation> findByArn(String certificateArn);

    /** Returns {@code region}'s revocations whose certificate is still valid after {@code at}, by serial. */
    List<Revocation> unexpired(String region, Instant at);

    /** Returns how many revocations {@code region} has ever recorded. */
    long count(String region);

    /** Returns {@code region}'s latest CRL, if one was saved. */
    Optional<Crl> crl(String region);

    /**
     * Saves {@code crl} as its region's latest; refuses ({@code CONFLICT}) unless its number is
     * exactly one more than the stored one (1 for the first), so numbers only grow, without gaps.
     */
    void saveCrl(Crl crl);
}
