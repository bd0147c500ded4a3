package dev.terminus.controlplane.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Holds a CA's certificate and private key, as the store will persist them and hand them back to
 * {@link CertificateAuthorityHierarchy#restore}. {@link #toString()} never shows the key.
 */
public record CaCredentials(X509Certificate certificate, PrivateKey privateKey) {

    /** Refuses null parts; whether the key matches the certificate is checked on restore. */
    public CaCredentials {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    @Override
    public String toString() {
        return "CaCredentials[subject=" + certificate.getSubjectX500Principal().getName()
                + ", serial=" + certificate.getSerialNumber().toString(16) + "]";
    }
}
