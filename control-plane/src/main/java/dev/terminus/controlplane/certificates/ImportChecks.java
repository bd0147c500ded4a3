package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.CaException;
import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.KeyPairs;
import dev.terminus.controlplane.ca.Pem;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;

/**
 * Checks an import before anything is stored, each failure with its own {@link ErrorCode}: sizes,
 * PEM syntax, encrypted keys, CA-as-leaf, key strength and curve, key match, validity, names and
 * chain order. Pure: it reads its inputs and the given instant, and changes nothing.
 */
final class ImportChecks {

    /** ACM's import limits: certificate 32 KiB, chain 2 MiB, private key 5 KiB. */
    static final int MAX_CERTIFICATE_BYTES = 32 * 1024;
    static final int MAX_CHAIN_BYTES = 2 * 1024 * 1024;
    static final int MAX_PRIVATE_KEY_BYTES = 5 * 1024;
    private static final int MIN_RSA_BITS = 2048;

    /** Holds a checked import: the leaf, its chain (issuer first), its key and what describes it. */
    record Checked(X509Certificate leaf, List<X509Certificate> chain, PrivateKey key, CertificateFacts facts) {
    }

    private ImportChecks() {
    }

    /** Checks the three PEM inputs at {@code now}; refuses the first problem found. */
    static Checked check(String certificatePem, String chainPem, String privateKeyPem, Instant now) {
        size("certificate", certificatePem, MAX_CERTIFICATE_BYTES);
        size("certificateChain", chainPem, MAX_CHAIN_BYTES);
        size("privateKey", privateKeyPem, MAX_PRIVATE_KEY_BYTES);
        List<X509Certificate> leaves = certificates("certificate", certificatePem);
        if (leaves.size() != 1) {
            throw CertificateException.of(ErrorCode.MALFORMED_CERTIFICATE, "certificate", leaves.size() + " CERTIFICATE blocks",
                    "exactly one; put the issuers in certificateChain");
        }
        X509Certificate leaf = leaves.get(0);
        List<X509Certificate> chain = chainPem == null || chainPem.isBlank() ? List.of() : certificates("certificateChain", chainPem);
        PrivateKey key = privateKey(privateKeyPem);
        if (leaf.getBasicConstraints() >= 0) {
            throw CertificateException.of(ErrorCode.CA_CERTIFICATE_AS_LEAF, "certificate", subject(leaf),
                    "an end-entity certificate (basicConstraints CA:FALSE); a CA certificate belongs in certificateChain");
        }
        KeyAlgorithm algorithm = keyAlgorithm(leaf.getPublicKey());
        if (!KeyPairs.matches(key, leaf.getPublicKey())) {
            throw CertificateException.of(ErrorCode.KEY_MISMATCH, "privateKey", "a " + key.getAlgorithm() + " key",
                    "the private key of the certificate " + subject(leaf) + "'s public key");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw CertificateException.of(ErrorCode.NOT_YET_VALID, "certificate", "notBefore " + leaf.getNotBefore().toInstant(),
                    "a certificate valid now (" + now + ")");
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw CertificateException.of(ErrorCode.EXPIRED, "certificate", "notAfter " + leaf.getNotAfter().toInstant(),
                    "a certificate valid now (" + now + ")");
        }
        CertificateFacts facts = CertificateFacts.of(leaf, algorithm);
        if (facts.domainName() == null) {
            throw CertificateException.of(ErrorCode.NO_DOMAIN_NAME, "certificate", subject(leaf),
                    "a DNS subject alternative name or a subject common name");
        }
        ChainOrder.check(leaf, chain);
        return new Checked(leaf, chain, key, facts);
    }

    /** Returns the supported algorithm of {@code key}, refusing weak RSA, other curves and other key types. */
    static KeyAlgorithm keyAlgorithm(PublicKey key) {
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw CertificateException.of(ErrorCode.WEAK_KEY, "certificate", "RSA " + rsa.getModulus().bitLength() + " bits",
                    "RSA of at least " + MIN_RSA_BITS + " bits");
        }
        try {
            return KeyAlgorithm.of(key);
        } catch (CaException e) {
            ErrorCode code = key instanceof ECPublicKey ? ErrorCode.UNSUPPORTED_CURVE : ErrorCode.UNSUPPORTED_KEY_ALGORITHM;
            throw new CertificateException(code, "certificate: " + e.getMessage().substring(e.getMessage().indexOf(':') + 2), e);
        }
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    private static void size(String field, String value, int max) {
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > max) {
            throw CertificateException.of(ErrorCode.INPUT_TOO_LARGE, field, value.getBytes(StandardCharsets.UTF_8).length + " bytes",
                    "at most " + max + " bytes");
        }
    }

    private static List<X509Certificate> certificates(String field, String pem) {
        if (pem == null || pem.isBlank()) {
            throw CertificateException.invalid(field, pem, "PEM CERTIFICATE blocks");
        }
        try {
            return Pem.readCertificates(pem);
        } catch (IllegalArgumentException e) {
            throw new CertificateException(ErrorCode.MALFORMED_CERTIFICATE, field + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String pem) {
        if (pem == null || pem.isBlank()) {
            throw CertificateException.invalid("privateKey", pem, "a PEM PRIVATE KEY block");
        }
        // RFC 7468 §11 (PKCS#8 EncryptedPrivateKeyInfo) and OpenSSL's traditional "Proc-Type: 4,ENCRYPTED" header.
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE" + " KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED")) {
            throw CertificateException.of(ErrorCode.ENCRYPTED_KEY, "privateKey", "a passphrase-protected key",
                    "the key in clear (it is encrypted at rest here); decrypt it with: openssl pkey -in key.pem -out clear.pem");
        }
        try {
            return Pem.readPrivateKey(pem);
        } catch (IllegalArgumentException e) {
            throw new CertificateException(ErrorCode.MALFORMED_CERTIFICATE, "privateKey: " + e.getMessage(), e);
        }
    }
}
