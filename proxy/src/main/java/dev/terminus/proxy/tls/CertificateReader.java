package dev.terminus.proxy.tls;

import io.netty.handler.ssl.util.LazyX509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a PEM certificate chain and its PEM private key and checks that they can be served:
 * they parse, the key is not encrypted, the key matches the leaf, the leaf is valid now, and the
 * key is RSA of at least 2048 bits or ECDSA on P-256 or P-384. Each refusal names the file.
 * Stateless apart from the clock; safe to call from any thread, never on an event loop.
 */
public final class CertificateReader {
    /** Refuses absurd inputs before parsing them: a real chain with its key is a few KiB. */
    static final long MAX_PEM_BYTES = 1024 * 1024;

    /** Generators per curve size, kept so that BC's fixed-point tables are computed once per curve. */
    private static final Map<Integer, ECPoint> GENERATORS = new ConcurrentHashMap<>();

    private final Clock clock;
    private final boolean javaObjects;

    /** Creates a reader that builds JDK objects and checks every key pair in Java. */
    public CertificateReader(Clock clock) {
        this(clock, true);
    }

    /**
     * @param javaObjects build JDK certificate and key objects and check EC key pairs in Java (the
     *                    JDK provider needs them); {@code false} keeps DER for BoringSSL, which
     *                    decodes it and compares the key pair itself when it builds the credential
     */
    public CertificateReader(Clock clock, boolean javaObjects) {
        this.clock = clock;
        this.javaObjects = javaObjects;
    }

    /** Reads and checks one certificate from its chain and key files. */
    public LoadedCertificate read(String name, Path chainFile, Path keyFile) throws CertificateException {
        byte[] chainPem = readFile(chainFile, "certificate chain");
        byte[] keyPem = readFile(keyFile, "private key");
        return read(name, chainPem, chainFile.toString(), keyPem, keyFile.toString());
    }

    /** Reads and checks one certificate from PEM bytes; the labels name the inputs in errors. */
    public LoadedCertificate read(String name, byte[] chainPem, String chainLabel, byte[] keyPem, String keyLabel)
            throws CertificateException {
        List<byte[]> ders = new ArrayList<>(2);
        for (PemObject block : DerMaterial.blocks(chainPem, chainLabel, "certificate")) {
            if (!"CERTIFICATE".equals(block.getType())) {
                throw new CertificateException(chainLabel + ": unexpected PEM block '" + block.getType()
                        + "' in a certificate chain (expected: CERTIFICATE blocks, leaf first)");
            }
            ders.add(block.getContent());
        }
        if (ders.isEmpty()) {
            throw new CertificateException(chainLabel
                    + ": no certificate found (expected: PEM CERTIFICATE blocks, leaf first)");
        }
        Certificate leaf = DerMaterial.certificate(ders.get(0), chainLabel);
        for (int i = 1; i < ders.size(); i++) {
            DerMaterial.certificate(ders.get(i), chainLabel);
        }
        SubjectPublicKeyInfo spki = leaf.getSubjectPublicKeyInfo();
        String keyType = DerMaterial.keyType(spki, chainLabel);
        PrivateKeyInfo keyInfo = DerMaterial.privateKey(keyPem, keyLabel);
        String mismatch = keyLabel + ": private key does not match the certificate in " + chainLabel;
        boolean same;
        try {
            same = DerMaterial.sameKey(keyInfo, spki);
        } catch (IOException | RuntimeException e) {
            throw new CertificateException(keyLabel + ": malformed private key: " + e.getMessage(), e);
        }
        if (!same) {
            throw new CertificateException(mismatch);
        }
        Instant notBefore = leaf.getStartDate().getDate().toInstant();
        Instant notAfter = leaf.getEndDate().getDate().toInstant();
        Instant now = clock.instant();
        if (now.isAfter(notAfter)) {
            throw new CertificateException(chainLabel + ": certificate expired on " + notAfter + " (subject "
                    + leaf.getSubject() + ")");
        }
        if (now.isBefore(notBefore)) {
            throw new CertificateException(chainLabel + ": certificate is not valid before " + notBefore);
        }
        String algorithm = keyType.startsWith("EC_") ? "EC" : "RSA";
        X509Certificate[] chain = new X509Certificate[ders.size()];
        PrivateKey key;
        if (javaObjects) {
            for (int i = 0; i < chain.length; i++) {
                chain[i] = javaCertificate(ders.get(i), chainLabel);
            }
            key = javaKey(algorithm, encoded(keyInfo, keyLabel), keyLabel);
            if (!matches(key, chain[0].getPublicKey())) {
                throw new CertificateException(mismatch);
            }
        } else {
            // BoringSSL decodes these itself (and compares EC key pairs) when it builds the credential.
            for (int i = 0; i < chain.length; i++) {
                chain[i] = new LazyX509Certificate(ders.get(i));
            }
            key = new DerMaterial.EncodedPrivateKey(algorithm, encoded(keyInfo, keyLabel));
        }
        return new LoadedCertificate(name, chain, key, chainLabel, keyLabel, DerMaterial.dnsNames(leaf), keyType,
                fingerprint(chainPem, keyPem), DerMaterial.serial(leaf), notBefore, notAfter);
    }

    private static byte[] readFile(Path file, String what) throws CertificateException {
        try {
            long size = Files.size(file);
            if (size > MAX_PEM_BYTES) {
                throw new CertificateException(file + ": " + what + " file is " + size + " bytes (expected: at most "
                        + MAX_PEM_BYTES + ")");
            }
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CertificateException(file + ": cannot read " + what + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new CertificateException(file + ": cannot read " + what + ": permission denied");
        } catch (IOException e) {
            throw new CertificateException(file + ": cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    private static byte[] encoded(PrivateKeyInfo info, String label) throws CertificateException {
        try {
            return info.getEncoded();
        } catch (IOException e) {
            throw new CertificateException(label + ": malformed private key: " + e.getMessage(), e);
        }
    }

    /** Builds a JDK certificate from DER, for the JDK provider and the context's default key pair. */
    static X509Certificate javaCertificate(byte[] der, String label) throws CertificateException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (java.security.cert.CertificateException | RuntimeException e) {
            throw new CertificateException(label + ": malformed PEM certificate: " + e.getMessage(), e);
        }
    }

    /** Builds a JDK private key from PKCS#8, for the JDK provider and the context's default key pair. */
    static PrivateKey javaKey(String algorithm, byte[] pkcs8, String label) throws CertificateException {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CertificateException(label + ": unusable private key: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that the private key belongs to the public key without a signature round trip, for
     * the JDK provider: RSA compares the modulus; EC derives the public point from the private
     * scalar (about 100 µs in Java). The BoringSSL path does not call this: BoringSSL compares
     * the two keys itself when it builds the credential (SSL_CREDENTIAL_set1_private_key).
     */
    static boolean matches(PrivateKey priv, PublicKey pub) {
        if (priv instanceof RSAPrivateKey r && pub instanceof RSAPublicKey p) {
            if (!r.getModulus().equals(p.getModulus())) {
                return false;
            }
            return !(r instanceof RSAPrivateCrtKey crt) || crt.getPublicExponent().equals(p.getPublicExponent());
        }
        if (priv instanceof ECPrivateKey e && pub instanceof ECPublicKey p) {
            if (e.getParams().getCurve().getField().getFieldSize() != p.getParams().getCurve().getField().getFieldSize()) {
                return false;
            }
            ECPoint g = GENERATORS.computeIfAbsent(e.getParams().getCurve().getField().getFieldSize(), bits -> {
                ECCurve curve = EC5Util.convertCurve(e.getParams().getCurve());
                return EC5Util.convertPoint(curve, e.getParams().getGenerator());
            });
            ECPoint q = new FixedPointCombMultiplier().multiply(g, e.getS()).normalize();
            return q.getAffineXCoord().toBigInteger().equals(p.getW().getAffineX())
                    && q.getAffineYCoord().toBigInteger().equals(p.getW().getAffineY());
        }
        return false;
    }

    private static String fingerprint(byte[] chain, byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(chain);
            sha.update((byte) 0);
            sha.update(key);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
