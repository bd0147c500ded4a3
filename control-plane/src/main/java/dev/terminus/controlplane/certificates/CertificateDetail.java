package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.RevocationReason;
import java.time.Instant;
import java.util.List;

/**
 * Describes a certificate as ACM's {@code CertificateDetail} does. {@code inUseBy} lists the
 * resources bound to it; {@code renewal} is null until managed renewal first acts on it;
 * {@code revokedAt} and {@code revocationReason} are null unless it is REVOKED.
 */
public record CertificateDetail(String certificateArn, String region, CertificateType type, CertificateStatus status,
        String domainName, List<String> subjectAlternativeNames, String serial, String subject, String issuer,
        Instant notBefore, Instant notAfter, KeyAlgorithm keyAlgorithm, List<String> inUseBy,
        RenewalEligibility renewalEligibility, RenewalSummary renewal, Instant createdAt, Instant issuedAt,
        Instant importedAt, Instant revokedAt, RevocationReason revocationReason) {

    /** Holds the last renewal outcome: status, failure reason (null on success), when, failures in a row, next try. */
    public record RenewalSummary(RenewalStatus status, String reason, Instant updatedAt, int failedAttempts,
            Instant nextAttemptAt) {
    }

    /** Returns the detail of a certificate that is not revoked. */
    public CertificateDetail(String certificateArn, String region, CertificateType type, CertificateStatus status,
            String domainName, List<String> subjectAlternativeNames, String serial, String subject, String issuer,
            Instant notBefore, Instant notAfter, KeyAlgorithm keyAlgorithm, List<String> inUseBy,
            RenewalEligibility renewalEligibility, RenewalSummary renewal, Instant createdAt, Instant issuedAt,
            Instant importedAt) {
        this(certificateArn, region, type, status, domainName, subjectAlternativeNames, serial, subject, issuer, notBefore,
                notAfter, keyAlgorithm, inUseBy, renewalEligibility, renewal, createdAt, issuedAt, importedAt, null, null);
    }

    /** Copies the lists. */
    public CertificateDetail {
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
        inUseBy = List.copyOf(inUseBy);
    }
}
