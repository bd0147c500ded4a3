package dev.terminus.controlplane.certificates;

/** Deletes a certificate and its key (ACM's {@code DeleteCertificate}); refused while any resource uses it. */
public record DeleteCertificateRequest(String certificateArn) {

    /** Validates the ARN. */
    public DeleteCertificateRequest {
        CertificateArn.parse("certificateArn", certificateArn);
    }
}
