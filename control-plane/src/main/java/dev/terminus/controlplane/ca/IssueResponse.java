package dev.terminus.controlplane.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Carries an end-entity certificate, its chain (issuing subordinate first, then the root, as ACM's
 * {@code CertificateChain}) and its private key. The key is in clear: persisting it encrypted is
 * the store's job. {@link #toString()} never shows the key.
 */
public record IssueResponse(String region, X509Certificate certificate, List<X509Certificate> chain, PrivateKey privateKey) {

    /** Refuses null parts and copies the chain. */
    public IssueResponse {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(certificate, "certificate");
        chain = List.copyOf(chain);
        Objects.requireNonNull(privateKey, "privateKey");
    }

    @Override
    public String toString() {
        return "IssueResponse[region=" + region + ", subject=" + certificate.getSubjectX500Principal().getName()
                + ", serial=" + certificate.getSerialNumber().toString(16) + "]";
    }
}
