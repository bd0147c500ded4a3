package dev.terminus.controlplane.ca;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

/** Checks stored CA credentials before a hierarchy is rebuilt from them; refusals say which CA and why. */
final class Restore {


    private Restore() {
    }

    /** Refuses a root that is not a self-signed CA, uses an unsupported key, or whose key does not match. */
    static void checkRoot(CaCredentials root) {
        X509Certificate certificate = root.certificate();
        checkCa("root", certificate);
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                || !verifies(certificate, certificate.getPublicKey())) {
            throw invalid("root", certificate, "a self-signed certificate");
        }
        checkKey("root", root);
    }

    /** Refuses a subordinate that is not a CA signed by {@code root}, or whose key does not match. */
    static void checkSubordinate(String region, CaCredentials sub, CaCredentials root) {
        String field = "subordinates[" + region + "]";
        X509Certificate certificate = sub.certificate();
        checkCa(field, certificate);
        if (!certificate.getIssuerX500Principal().equals(root.certificate().getSubjectX500Principal())
                || !verifies(certificate, root.certificate().getPublicKey())) {
            throw invalid(field, certificate, "a certificate signed by the root " + root.certificate().getSubjectX500Principal().getName());
        }
        checkKey(field, sub);
    }

    /** Returns whether {@code key} produces signatures that {@code publicKey} verifies. */
    static boolean keyMatches(PrivateKey key, PublicKey publicKey) {
        return KeyPairs.matches(key, publicKey);
    }

    private static void checkCa(String field, X509Certificate certificate) {
        boolean[] keyUsage = certificate.getKeyUsage();
        // getBasicConstraints() is -1 for non-CA certificates; keyUsage bit 5 is keyCertSign (RFC 5280 §4.2.1.3).
        if (certificate.getBasicConstraints() < 0 || keyUsage == null || !keyUsage[5]) {
            throw invalid(field, certificate, "a CA certificate (basicConstraints CA:TRUE, keyUsage keyCertSign)");
        }
        try {
            KeyAlgorithm.of(certificate.getPublicKey());
        } catch (CaException e) {
            throw invalid(field, certificate, "a key of a supported algorithm (" + e.getMessage() + ")");
        }
    }

    private static void checkKey(String field, CaCredentials credentials) {
        if (!keyMatches(credentials.privateKey(), credentials.certificate().getPublicKey())) {
            throw invalid(field, credentials.certificate(), "a private key that matches the certificate's public key");
        }
    }

    private static boolean verifies(X509Certificate certificate, PublicKey key) {
        try {
            certificate.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static CaException invalid(String field, X509Certificate certificate, String expected) {
        return new CaException(CaException.Code.INVALID_CA_MATERIAL, field + ": "
                + certificate.getSubjectX500Principal().getName() + " serial "
                + certificate.getSerialNumber().toString(16) + " (expected: " + expected + ")");
    }
}
