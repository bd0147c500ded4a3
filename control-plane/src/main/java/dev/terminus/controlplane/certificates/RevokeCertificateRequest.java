package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.CaException;
import dev.terminus.controlplane.ca.RevocationReason;

/**
 * Revokes a PRIVATE certificate (ACM's {@code RevokeCertificate}) with an RFC 5280 reason; every
 * reason but {@code REMOVE_FROM_CRL} is accepted. Validated on construction.
 */
public record RevokeCertificateRequest(String certificateArn, RevocationReason reason) {

    /** Validates the ARN and the reason. */
    public RevokeCertificateRequest {
        CertificateArn.parse("certificateArn", certificateArn);
        if (reason == null || reason == RevocationReason.REMOVE_FROM_CRL) {
            // REMOVE_FROM_CRL only lifts a CERTIFICATE_HOLD through a delta CRL (RFC 5280 §5.3.1);
            // Terminus publishes complete CRLs and every revocation is permanent, as in ACM.
            throw CertificateException.invalid("reason", reason == null ? null : reason.name(),
                    "one of " + RevocationReason.REVOCABLE + " (a revocation is permanent)");
        }
    }

    /** Returns a request parsing {@code reason} by its ACM name, e.g. {@code KEY_COMPROMISE}. */
    public static RevokeCertificateRequest of(String certificateArn, String reason) {
        RevocationReason parsed;
        try {
            parsed = RevocationReason.parse(reason);
        } catch (CaException e) {
            throw new CertificateException(ErrorCode.INVALID_PARAMETER, e.getMessage(), e);
        }
        return new RevokeCertificateRequest(certificateArn, parsed);
    }
}
