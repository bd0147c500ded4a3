package dev.terminus.controlplane.certificates;

import java.util.Set;

/** Removes tags by key from a certificate (ACM's {@code RemoveTagsFromCertificate}); absent keys are ignored. */
public record RemoveTagsRequest(String certificateArn, Set<String> keys) {

    /** Validates the ARN and the keys; at least one key. */
    public RemoveTagsRequest {
        CertificateArn.parse("certificateArn", certificateArn);
        keys = Tags.checkKeys("keys", keys);
    }
}
