package dev.terminus.controlplane.certificates;

/** Asks for one certificate's details (ACM's {@code DescribeCertificate}). */
public record DescribeCertificateRequest(String certificateArn) {

    /** Validates the ARN. */
    public DescribeCertificateRequest {
        CertificateArn.parse("certificateArn", certificateArn);
    }
}
