package dev.terminus.proxy.tls;

import io.netty.handler.ssl.OpenSslCredential;
import io.netty.handler.ssl.OpenSslCredentialBuilder;
import io.netty.handler.ssl.PemPrivateKey;
import io.netty.handler.ssl.PemX509Certificate;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Builds a certificate's BoringSSL credential ({@code SSL_CREDENTIAL}) from its DER chain and
 * PKCS#8 key. Call off the event loop.
 *
 * <p>netty-tcnative parses key material only from PEM ({@code SSL.parsePrivateKey} and
 * {@code SSL.parseX509Chain} read a BIO of PEM; there is no DER entry point). Handed JDK objects,
 * Netty's {@link OpenSslCredentialBuilder} encodes them to PEM through its own buffers; handed
 * {@link PemPrivateKey} and {@link PemX509Certificate}, it passes the bytes straight to
 * BoringSSL. So this encodes once, with the JDK's base64 encoder, and lets Netty pass it on.
 */
final class NativeCredential {
    private NativeCredential() {
    }

    /** Builds the credential, or throws naming the file BoringSSL refused and why. */
    static OpenSslCredential build(LoadedCertificate c) throws CertificateException {
        byte[] chainPem;
        try {
            chainPem = chainPem(c.chain());
        } catch (CertificateEncodingException e) {
            throw new CertificateException(c.source() + ": " + e.getMessage(), e);
        }
        byte[] pkcs8 = c.key().getEncoded();
        if (pkcs8 == null) {
            throw new CertificateException(c.keySource() + ": the private key cannot be encoded as PKCS#8");
        }
        PemPrivateKey key = PemPrivateKey.valueOf(Pem.encode("PRIVATE" + " KEY", pkcs8));
        java.util.Arrays.fill(pkcs8, (byte) 0);
        PemX509Certificate chain = PemX509Certificate.valueOf(chainPem);
        try {
            return OpenSslCredentialBuilder.forX509(key, chain).build();
        } catch (RuntimeException e) {
            StringBuilder why = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                why.append(why.length() == 0 ? "" : ": ").append(t.getMessage());
            }
            if (why.toString().toUpperCase(Locale.ROOT).contains("KEY_VALUES_MISMATCH") || !javaMatches(c)) {
                throw new CertificateException(c.keySource() + ": private key does not match the certificate in "
                        + c.source(), e);
            }
            throw new CertificateException(c.source() + ": BoringSSL refused the certificate and key: " + why, e);
        } finally {
            // Zeroes the key's PEM bytes (PemPrivateKey is sensitive); the chain's are simply dropped.
            key.release();
            chain.release();
        }
    }

    /** The chain as one PEM text, leaf first: Netty passes a one-element PEM chain through as is. */
    private static byte[] chainPem(X509Certificate[] chain) throws CertificateEncodingException {
        if (chain.length == 1) {
            return Pem.encode("CERTIFICATE", chain[0].getEncoded());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(chain.length * 1024);
        for (X509Certificate x : chain) {
            out.writeBytes(Pem.encode("CERTIFICATE", x.getEncoded()));
        }
        return out.toByteArray();
    }

    /**
     * Checks in Java whether the key belongs to the leaf, only after BoringSSL refused them: an EC
     * key given the certificate's public point fails to parse, rather than to match, when the two
     * do not belong together (see DerMaterial.matchingPkcs8).
     */
    private static boolean javaMatches(LoadedCertificate c) {
        try {
            return CertificateReader.matches(
                    CertificateReader.javaKey(c.key().getAlgorithm(), c.key().getEncoded(), c.keySource()),
                    CertificateReader.javaCertificate(c.chain()[0].getEncoded(), c.source()).getPublicKey());
        } catch (CertificateException | CertificateEncodingException | RuntimeException e) {
            return true; // unreadable in Java too: report BoringSSL's own reason
        }
    }
}
