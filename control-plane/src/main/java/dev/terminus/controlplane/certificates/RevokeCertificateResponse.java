package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.RevocationReason;
import java.time.Instant;

/** Confirms the revocation of {@code certificateArn}: which serial, when (as the CRL and OCSP say) and why. */
public record RevokeCertificateResponse(String certificateArn, String serial, Instant revokedAt, RevocationReason reason) {
}
