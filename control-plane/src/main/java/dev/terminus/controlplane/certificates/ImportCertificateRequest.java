package dev.terminus.controlplane.certificates;

import java.util.Map;

/**
 * Imports a certificate with its chain and unencrypted private key (ACM's {@code ImportCertificate}).
 * With a {@code certificateArn}, re-imports under that existing IMPORTED certificate, keeping its id
 * (then {@code region} may be null, and must otherwise equal the ARN's, and {@code tags} must be
 * empty, as in ACM). The PEM inputs are checked by the operation, not here. {@link #toString()} hides the key.
 */
public record ImportCertificateRequest(String region, String certificateArn, String certificate,
        String certificateChain, String privateKey, Map<String, String> tags) {

    /** Validates region, ARN and tags. */
    public ImportCertificateRequest {
        if (certificateArn == null) {
            CertificateArn.region(region, "region");
        } else {
            CertificateArn arn = CertificateArn.parse("certificateArn", certificateArn);
            if (region != null && !region.equals(arn.region())) {
                throw CertificateException.invalid("region", region, "the region of certificateArn, " + arn.region()
                        + "; a certificate never moves between regions");
            }
            region = arn.region();
        }
        tags = Tags.check("tags", tags);
        if (certificateArn != null && !tags.isEmpty()) {
            throw CertificateException.invalid("tags", tags.size() + " tags",
                    "no tags on a re-import (as ACM); use AddTags on " + certificateArn);
        }
    }

    /** Returns a first import into {@code region}, without tags. */
    public static ImportCertificateRequest of(String region, String certificate, String chain, String privateKey) {
        return new ImportCertificateRequest(region, null, certificate, chain, privateKey, Map.of());
    }

    /** Returns a re-import under {@code certificateArn}. */
    public static ImportCertificateRequest reimport(String certificateArn, String certificate, String chain, String privateKey) {
        return new ImportCertificateRequest(null, certificateArn, certificate, chain, privateKey, Map.of());
    }

    /** Returns a copy with {@code tags}. */
    public ImportCertificateRequest withTags(Map<String, String> tags) {
        return new ImportCertificateRequest(region, certificateArn, certificate, certificateChain, privateKey, tags);
    }

    @Override
    public String toString() {
        return "ImportCertificateRequest[region=" + region + ", certificateArn=" + certificateArn + ", tags=" + tags + "]";
    }
}
