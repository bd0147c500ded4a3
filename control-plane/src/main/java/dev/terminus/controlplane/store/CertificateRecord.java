package dev.terminus.controlplane.store;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Holds one certificate row as the store persists it (the private key is sealed separately).
 * {@code type}, {@code status} and the renewal status are the names of the inventory's enums: the
 * store keeps them as text and gives them no meaning. {@code version} increases on every update,
 * for optimistic concurrency.
 */
public record CertificateRecord(
        String arn, String region, String type, String status,
        String domainName, List<String> subjectAlternativeNames,
        String serial, String subject, String issuer, Instant notBefore, Instant notAfter,
        KeyAlgorithm keyAlgorithm, String certificatePem, String chainPem, String validity,
        Instant createdAt, Instant issuedAt, Instant importedAt,
        Renewal renewal, Integer expiryNoticeDays, long version) {

    /**
     * Holds managed-renewal state: the last outcome and why, when it changed, failed attempts in a
     * row and when the next attempt is due. All null (attempts 0) before any renewal.
     */
    public record Renewal(String status, String reason, Instant updatedAt, int attempts, Instant nextAttemptAt) {
        /** No renewal attempted yet. */
        public static final Renewal NONE = new Renewal(null, null, null, 0, null);
    }

    /** Refuses missing required fields and copies the names. */
    public CertificateRecord {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(domainName, "domainName");
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(chainPem, "chainPem");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(renewal, "renewal");
    }

    /** Returns a copy with {@code status}. */
    public CertificateRecord withStatus(String status) {
        return new CertificateRecord(arn, region, type, status, domainName, subjectAlternativeNames, serial, subject,
                issuer, notBefore, notAfter, keyAlgorithm, certificatePem, chainPem, validity, createdAt, issuedAt,
                importedAt, renewal, expiryNoticeDays, version);
    }

    /** Returns a copy with {@code renewal}. */
    public CertificateRecord withRenewal(Renewal renewal) {
        return new CertificateRecord(arn, region, type, status, domainName, subjectAlternativeNames, serial, subject,
                issuer, notBefore, notAfter, keyAlgorithm, certificatePem, chainPem, validity, createdAt, issuedAt,
                importedAt, renewal, expiryNoticeDays, version);
    }

    /** Returns a copy with {@code expiryNoticeDays}, the smallest expiry threshold already announced. */
    public CertificateRecord withExpiryNoticeDays(Integer expiryNoticeDays) {
        return new CertificateRecord(arn, region, type, status, domainName, subjectAlternativeNames, serial, subject,
                issuer, notBefore, notAfter, keyAlgorithm, certificatePem, chainPem, validity, createdAt, issuedAt,
                importedAt, renewal, expiryNoticeDays, version);
    }
}
