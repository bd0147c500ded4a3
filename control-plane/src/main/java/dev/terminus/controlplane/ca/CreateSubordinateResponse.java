package dev.terminus.controlplane.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Carries a region's new subordinate certificate, its chain (the root) and its private key. The
 * key is in clear: persisting it encrypted is the store's job. {@link #toString()} never shows the key.
 */
public record CreateSubordinateResponse(
        String region, X509Certificate certificate, List<X509Certificate> chain, PrivateKey privateKey) {

    /** Refuses null parts and copies the chain. */
    public CreateSubordinateResponse {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(certificate, "certificate");
        chain = List.copyOf(chain);
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** Returns the certificate and key as credentials for the store. */
    public CaCredentials credentials() {
        return new CaCredentials(certificate, privateKey);
    }

    @Override
    public String toString() {
        return "CreateSubordinateResponse[region=" + region + ", subject="
                + certificate.getSubjectX500Principal().getName()
                + ", serial=" + certificate.getSerialNumber().toString(16) + "]";
    }
}
