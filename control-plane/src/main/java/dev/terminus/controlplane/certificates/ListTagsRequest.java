package dev.terminus.controlplane.certificates;

/** Lists a certificate's tags (ACM's {@code ListTagsForCertificate}). */
public record ListTagsRequest(String certificateArn) {

    /** Validates the ARN. */
    public ListTagsRequest {
        CertificateArn.parse("certificateArn", certificateArn);
    }
}
