package dev.terminus.controlplane.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Carries the new root certificate and its private key. The key is in clear: persisting it
 * encrypted is the store's job. {@link #toString()} never shows the key.
 */
public record CreateRootResponse(X509Certificate certificate, PrivateKey privateKey) {

    /** Refuses null parts. */
    public CreateRootResponse {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** Returns the certificate and key as credentials for the store. */
    public CaCredentials credentials() {
        return new CaCredentials(certificate, privateKey);
    }

    @Override
    public String toString() {
        return "CreateRootResponse[subject=" + certificate.getSubjectX500Principal().getName()
                + ", serial=" + certificate.getSerialNumber().toString(16) + "]";
    }
}
