package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.Pem;
import dev.terminus.controlplane.ca.RevocationReason;
import dev.terminus.controlplane.store.CertificateRecord;
import dev.terminus.controlplane.store.RevocationStore;
import dev.terminus.controlplane.store.StoredEvent;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** Converts between the store's rows and the inventory's views, and builds records for new material. */
final class Records {

    private Records() {
    }

    /** Returns a new ISSUED record for {@code leaf}; {@code validity} is the requested period of PRIVATE certificates. */
    static CertificateRecord create(CertificateArn arn, CertificateType type, CertificateFacts facts, X509Certificate leaf,
            List<X509Certificate> chain, String validity, Instant now) {
        boolean imported = type == CertificateType.IMPORTED;
        return new CertificateRecord(arn.toString(), arn.region(), type.name(), CertificateStatus.ISSUED.name(),
                facts.domainName(), facts.subjectAlternativeNames(), facts.serial(), facts.subject(), facts.issuer(),
                facts.notBefore(), facts.notAfter(), facts.keyAlgorithm(), Pem.write(leaf), Pem.write(chain), validity, now,
                imported ? null : now, imported ? now : null, CertificateRecord.Renewal.NONE, null, 0);
    }

    /**
     * Returns {@code existing} carrying new material under the same ARN, ISSUED again, with its
     * expiry notices reset; {@code renewal} is the renewal state to keep.
     */
    static CertificateRecord replace(CertificateRecord existing, CertificateFacts facts, X509Certificate leaf,
            List<X509Certificate> chain, Instant now, CertificateRecord.Renewal renewal) {
        boolean imported = CertificateType.IMPORTED.name().equals(existing.type());
        return new CertificateRecord(existing.arn(), existing.region(), existing.type(), CertificateStatus.ISSUED.name(),
                facts.domainName(), facts.subjectAlternativeNames(), facts.serial(), facts.subject(), facts.issuer(),
                facts.notBefore(), facts.notAfter(), facts.keyAlgorithm(), Pem.write(leaf), Pem.write(chain),
                existing.validity(), existing.createdAt(), imported ? existing.issuedAt() : now,
                imported ? now : existing.importedAt(), renewal, null, existing.version());
    }

    /** Returns the public view of {@code record}, with the resources using it and its revocation (null if none). */
    static CertificateDetail detail(CertificateRecord record, List<String> inUseBy, RevocationStore.Revocation revocation) {
        CertificateDetail detail = detail(record, inUseBy);
        if (revocation == null) {
            return detail;
        }
        return new CertificateDetail(detail.certificateArn(), detail.region(), detail.type(), detail.status(),
                detail.domainName(), detail.subjectAlternativeNames(), detail.serial(), detail.subject(), detail.issuer(),
                detail.notBefore(), detail.notAfter(), detail.keyAlgorithm(), detail.inUseBy(), RenewalEligibility.INELIGIBLE,
                detail.renewal(), detail.createdAt(), detail.issuedAt(), detail.importedAt(), revocation.revokedAt(),
                RevocationReason.valueOf(revocation.reason()));
    }

    /** Returns the public view of {@code record}, with the resources using it. */
    static CertificateDetail detail(CertificateRecord record, List<String> inUseBy) {
        CertificateType type = CertificateType.valueOf(record.type());
        CertificateRecord.Renewal renewal = record.renewal();
        CertificateDetail.RenewalSummary summary = renewal.status() == null ? null
                : new CertificateDetail.RenewalSummary(RenewalStatus.valueOf(renewal.status()), renewal.reason(),
                        renewal.updatedAt(), renewal.attempts(), renewal.nextAttemptAt());
        return new CertificateDetail(record.arn(), record.region(), type, CertificateStatus.valueOf(record.status()),
                record.domainName(), record.subjectAlternativeNames(), record.serial(), record.subject(), record.issuer(),
                record.notBefore(), record.notAfter(), record.keyAlgorithm(), inUseBy,
                type == CertificateType.PRIVATE ? RenewalEligibility.ELIGIBLE : RenewalEligibility.INELIGIBLE, summary,
                record.createdAt(), record.issuedAt(), record.importedAt());
    }

    /** Returns an event draft for the log. */
    static StoredEvent event(Instant at, EventType type, String arn, String detail) {
        return StoredEvent.draft(at, type.name(), arn, detail);
    }

    /** Returns the public view of a logged event. */
    static CertificateEvent event(StoredEvent stored) {
        return new CertificateEvent(stored.id(), stored.at(), EventType.valueOf(stored.type()), stored.certificateArn(),
                stored.detail());
    }
}
