package dev.terminus.controlplane.certificates;

import java.util.Map;

/** Adds tags to a certificate, overwriting values of existing keys (ACM's {@code AddTagsToCertificate}). */
public record AddTagsRequest(String certificateArn, Map<String, String> tags) {

    /** Validates the ARN and the tags; at least one tag. */
    public AddTagsRequest {
        CertificateArn.parse("certificateArn", certificateArn);
        if (tags == null || tags.isEmpty()) {
            throw CertificateException.invalid("tags", tags, "at least one tag");
        }
        tags = Tags.check("tags", tags);
    }
}
