package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import java.time.Instant;
import java.util.List;

/**
 * Describes a certificate as ACM's {@code CertificateDetail} does. {@code inUseBy} lists the
 * resources bound to it; {@code renewal} is null until managed renewal first acts on it.
 */
public record CertificateDetail(String certificateArn, String region, CertificateType type, CertificateStatus status,
        String domainName, List<String> subjectAlternativeNames, String serial, String subject, String issuer,
        Instant notBefore, Instant notAfter, KeyAlgorithm keyAlgorithm, List<String> inUseBy,
        RenewalEligibility renewalEligibility, RenewalSummary renewal, Instant createdAt, Instant issuedAt,
        Instant importedAt) {

    /** Holds the last renewal outcome: status, failure reason (null on success), when, failures in a row, next try. */
    public record RenewalSummary(RenewalStatus status, String reason, Instant updatedAt, int failedAttempts,
            Instant nextAttemptAt) {
    }

    /** Copies the lists. */
    public CertificateDetail {
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
        inUseBy = List.copyOf(inUseBy);
    }
}
