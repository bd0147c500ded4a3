package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.store.CertificateRecord;
import dev.terminus.controlplane.store.CertificateStore;
import dev.terminus.controlplane.store.RevocationStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Revokes PRIVATE certificates: status REVOKED, a ledger row and a CertificateRevoked event in one
 * transaction, then a fresh CRL for the region. Only the current serial is revoked: serials a
 * renewal replaced stay valid until they expire, as in ACM.
 */
final class Revoker {

    private final CertificateStore certificates;
    private final RevocationStore revocations;
    private final CrlPublisher crls;
    private final Clock clock;

    Revoker(CertificateStore certificates, RevocationStore revocations, CrlPublisher crls, Clock clock) {
        this.certificates = certificates;
        this.revocations = revocations;
        this.crls = crls;
        this.clock = clock;
    }

    /**
     * Revokes the certificate; refuses an unknown ARN ({@code RESOURCE_NOT_FOUND}), an IMPORTED one
     * ({@code INVALID_PARAMETER}), a revoked one ({@code REQUEST_ALREADY_PROCESSED}) and any other
     * status than ISSUED ({@code INVALID_PARAMETER}). A CRL that fails to regenerate does not undo
     * the revocation: the publisher's next {@code runOnce()} notices the CRL is behind.
     */
    RevokeCertificateResponse revoke(RevokeCertificateRequest request) {
        String arn = request.certificateArn();
        CertificateRecord record = certificates.find(arn).orElseThrow(() -> Inventory.notFound(arn));
        if (!CertificateType.PRIVATE.name().equals(record.type())) {
            throw CertificateException.invalid("certificateArn", arn, "a PRIVATE certificate (this one is " + record.type()
                    + "; only its own issuer can revoke an imported certificate)");
        }
        if (CertificateStatus.REVOKED.name().equals(record.status())) {
            String when = revocations.findByArn(arn).map(r -> " at " + r.revokedAt() + " (" + r.reason() + ")").orElse("");
            throw CertificateException.of(ErrorCode.REQUEST_ALREADY_PROCESSED, "certificateArn", arn,
                    "a certificate not yet revoked; it was revoked" + when);
        }
        if (!CertificateStatus.ISSUED.name().equals(record.status())) {
            throw CertificateException.invalid("status", record.status(), "ISSUED (only a valid certificate can be revoked)");
        }
        // CRL entries and OCSP answers carry whole seconds; store what they will say.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        RevocationStore.Revocation revocation = new RevocationStore.Revocation(record.region(), record.serial(), arn, now,
                request.reason().name(), record.notAfter());
        revocations.revoke(record.withStatus(CertificateStatus.REVOKED.name()), revocation, Records.event(now,
                EventType.CERTIFICATE_REVOKED, arn, "revoked serial " + record.serial() + " (" + request.reason() + ")"));
        crls.publishAfterRevocation(record.region());
        return new RevokeCertificateResponse(arn, record.serial(), now, request.reason());
    }
}
