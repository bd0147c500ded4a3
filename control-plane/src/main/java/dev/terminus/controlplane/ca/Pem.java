package dev.terminus.controlplane.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Writes and reads certificates, chains and private keys as PEM (RFC 7468): certificates as
 * {@code CERTIFICATE} blocks, keys as PKCS#8 {@code PRIVATE KEY}, or as {@code ENCRYPTED PRIVATE
 * KEY} protected by a passphrase (PBES2: PBKDF2 with HMAC-SHA256, AES-256-CBC; what {@code
 * openssl pkcs8 -topk8 -v2 aes-256-cbc} writes). Readers refuse malformed input with an
 * {@link IllegalArgumentException} that never contains key material or the passphrase.
 */
public final class Pem {

    /** PBKDF2 iterations for exported keys: OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int PBKDF2_ITERATIONS = 600_000;
    /** ACM's ExportCertificate accepts passphrases of 4 to 128 characters. */
    public static final int MIN_PASSPHRASE_LENGTH = 4;
    public static final int MAX_PASSPHRASE_LENGTH = 128;

    // A private instance, not a registered provider: the JDK providers stay the defaults everywhere else.
    private static final Provider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Pem() {
    }

    /** Returns {@code certificate} as one PEM block. */
    public static String write(X509Certificate certificate) {
        return write(List.of(certificate));
    }

    /** Returns {@code chain} as concatenated PEM blocks, in the given order (leaf or issuer first). */
    public static String write(List<X509Certificate> chain) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : chain) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode certificate", e);
        }
        return out.toString();
    }

    /** Returns {@code key} in clear as a PKCS#8 {@code PRIVATE KEY} block; for the store's own encryption only. */
    public static String writePrivateKey(PrivateKey key) {
        return pkcs8(key, null);
    }

    /**
     * Returns {@code key} as a PKCS#8 {@code ENCRYPTED PRIVATE KEY} block under {@code passphrase}
     * (4–128 characters), with a fresh salt and IV and {@link #PBKDF2_ITERATIONS} iterations.
     */
    public static String writeEncryptedPrivateKey(PrivateKey key, char[] passphrase) {
        return writeEncryptedPrivateKey(key, passphrase, PBKDF2_ITERATIONS);
    }

    /** Returns {@code key} encrypted as {@link #writeEncryptedPrivateKey(PrivateKey, char[])} does, with {@code iterations}. */
    static String writeEncryptedPrivateKey(PrivateKey key, char[] passphrase, int iterations) {
        if (passphrase == null || passphrase.length < MIN_PASSPHRASE_LENGTH || passphrase.length > MAX_PASSPHRASE_LENGTH) {
            throw CaException.invalid("passphrase", passphrase == null ? null : passphrase.length + " characters",
                    MIN_PASSPHRASE_LENGTH + " to " + MAX_PASSPHRASE_LENGTH + " characters");
        }
        try {
            return pkcs8(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setPRF(PKCS8Generator.PRF_HMACSHA256)
                    .setIterationCount(iterations)
                    .setRandom(RANDOM)
                    .setPassword(passphrase)
                    .setProvider(BC)
                    .build());
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot set up AES-256-CBC with PBKDF2", e);
        }
    }

    /** Reads every {@code CERTIFICATE} block of {@code pem}, in order; refuses other blocks and an empty input. */
    public static List<X509Certificate> readCertificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw new IllegalArgumentException("pem: a " + object.getClass().getSimpleName()
                            + " block (expected: CERTIFICATE blocks only)");
                }
                certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("pem: unreadable (expected: PEM CERTIFICATE blocks; " + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("pem: no certificate (expected: at least one CERTIFICATE block)");
        }
        return List.copyOf(certificates);
    }

    /** Reads an unencrypted private key: PKCS#8 {@code PRIVATE KEY}, or OpenSSL's traditional RSA/EC forms. */
    public static PrivateKey readPrivateKey(String pem) {
        Object object = readSingle(pem);
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("pem: unreadable private key (expected: an RSA or EC key)", e);
        }
        throw new IllegalArgumentException("pem: " + describe(object) + " (expected: an unencrypted PRIVATE KEY block)");
    }

    /** Reads an {@code ENCRYPTED PRIVATE KEY} block with {@code passphrase}; refuses a wrong passphrase. */
    public static PrivateKey readEncryptedPrivateKey(String pem, char[] passphrase) {
        Object object = readSingle(pem);
        if (!(object instanceof PKCS8EncryptedPrivateKeyInfo encrypted)) {
            throw new IllegalArgumentException("pem: " + describe(object) + " (expected: an ENCRYPTED PRIVATE KEY block)");
        }
        try {
            PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(passphrase));
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (PKCSException | OperatorCreationException | IOException | RuntimeException e) {
            // Deliberately vague: a wrong passphrase usually surfaces as a padding or ASN.1 error.
            throw new IllegalArgumentException("passphrase: (hidden) (expected: the passphrase the key was encrypted with)", e);
        }
    }

    private static Object readSingle(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object == null) {
                throw new IllegalArgumentException("pem: no PEM block (expected: one key block)");
            }
            return object;
        } catch (IOException e) {
            throw new IllegalArgumentException("pem: unreadable (expected: one PEM key block)", e);
        }
    }

    private static String describe(Object object) {
        return object instanceof X509CertificateHolder ? "a CERTIFICATE block" : "a " + object.getClass().getSimpleName();
    }

    private static String pkcs8(PrivateKey key, OutputEncryptor encryptor) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(key, encryptor));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode private key", e);
        }
        return out.toString();
    }
}
