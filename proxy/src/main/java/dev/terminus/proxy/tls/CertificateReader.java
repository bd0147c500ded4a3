package dev.terminus.proxy.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
    private static final java.util.Map<Integer, ECPoint> GENERATORS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Clock clock;
    private final boolean deriveEcKeys;
    private final JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
    private final JcaPEMKeyConverter keys = new JcaPEMKeyConverter();

    /** Creates a reader that checks every key against its certificate in Java. */
    public CertificateReader(Clock clock) {
        this(clock, true);
    }

    /**
     * @param deriveEcKeys check EC keys against their certificate in Java; pass {@code false}
     *                     when BoringSSL will build the key material, since it checks natively
     */
    public CertificateReader(Clock clock, boolean deriveEcKeys) {
        this.clock = clock;
        this.deriveEcKeys = deriveEcKeys;
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
        X509Certificate[] chain = parseChain(chainPem, chainLabel);
        PrivateKey key = parseKey(keyPem, keyLabel);
        X509Certificate leaf = chain[0];
        String keyType = keyType(leaf.getPublicKey(), chainLabel);
        if (!matches(key, leaf.getPublicKey(), deriveEcKeys)) {
            throw new CertificateException(keyLabel + ": private key does not match the certificate in "
                    + chainLabel + " (subject " + leaf.getSubjectX500Principal().getName() + ")");
        }
        Instant now = clock.instant();
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new CertificateException(chainLabel + ": certificate expired on " + leaf.getNotAfter().toInstant()
                    + " (subject " + leaf.getSubjectX500Principal().getName() + ")");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new CertificateException(chainLabel + ": certificate is not valid before "
                    + leaf.getNotBefore().toInstant());
        }
        return new LoadedCertificate(name, chain, key, chainLabel, keyLabel, dnsNames(leaf, chainLabel), keyType,
                fingerprint(chainPem, keyPem));
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

    private X509Certificate[] parseChain(byte[] pem, String label) throws CertificateException {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(certificates.getCertificate(holder));
                } else {
                    throw new CertificateException(label + ": unexpected " + o.getClass().getSimpleName()
                            + " in a certificate chain (expected: CERTIFICATE blocks, leaf first)");
                }
            }
        } catch (CertificateException e) {
            throw e;
        } catch (IOException | java.security.cert.CertificateException | RuntimeException e) {
            throw new CertificateException(label + ": malformed PEM certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new CertificateException(label + ": no certificate found (expected: PEM CERTIFICATE blocks, leaf first)");
        }
        return chain.toArray(new X509Certificate[0]);
    }

    private PrivateKey parseKey(byte[] pem, String label) throws CertificateException {
        Object o;
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            o = parser.readObject();
            if (o instanceof org.bouncycastle.asn1.x9.X9ECParameters) {
                o = parser.readObject(); // "EC PARAMETERS" block before the key, as openssl ecparam writes
            }
        } catch (IOException | RuntimeException e) {
            throw new CertificateException(label + ": malformed PEM private key: " + e.getMessage(), e);
        }
        try {
            if (o instanceof PEMKeyPair pair) {
                return keys.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return keys.getPrivateKey(info);
            }
        } catch (IOException | RuntimeException e) {
            throw new CertificateException(label + ": unusable private key: " + e.getMessage(), e);
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new CertificateException(label + ": private key is encrypted (expected: an unencrypted PEM key; "
                    + "keep it readable only by the proxy's user instead)");
        }
        if (o == null) {
            throw new CertificateException(label + ": no private key found (expected: a PEM PRIVATE KEY block)");
        }
        throw new CertificateException(label + ": unexpected " + o.getClass().getSimpleName()
                + " (expected: a PEM PRIVATE KEY block)");
    }

    /** Returns the ACM-style key algorithm name, refusing what ALB would refuse. */
    static String keyType(PublicKey key, String label) throws CertificateException {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < 2048) {
                throw new CertificateException(label + ": RSA key of " + bits + " bits (expected: at least 2048)");
            }
            return "RSA_" + bits;
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return switch (bits) {
                case 256 -> "EC_prime256v1";
                case 384 -> "EC_secp384r1";
                default -> throw new CertificateException(label + ": EC key on a " + bits
                        + "-bit curve (expected: P-256 or P-384)");
            };
        }
        throw new CertificateException(label + ": " + key.getAlgorithm() + " key (expected: RSA or ECDSA)");
    }

    /** Checks that the private key belongs to the public key without a signature round trip. */
    static boolean matches(PrivateKey priv, PublicKey pub) {
        return matches(priv, pub, true);
    }

    /**
     * Checks that the private key belongs to the public key. RSA compares the modulus, which is
     * free. EC derives the public point from the private scalar (about 100 µs in Java), which is
     * skipped when {@code deriveEc} is false because BoringSSL repeats the same check natively
     * when it builds the credential (SSL_CREDENTIAL_set1_private_key compares the two keys).
     */
    static boolean matches(PrivateKey priv, PublicKey pub, boolean deriveEc) {
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
            if (!deriveEc) {
                return true;
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

    /** Returns the DNS names from subjectAltName, or the CN when there is no SAN (RFC 6125 6.4.4). */
    static List<String> dnsNames(X509Certificate leaf, String label) throws CertificateException {
        Set<String> names = new LinkedHashSet<>();
        try {
            var sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        String n = HostNames.normalize((String) san.get(1));
                        if (n != null) {
                            names.add(n);
                        }
                    }
                }
                return List.copyOf(names);
            }
        } catch (CertificateParsingException e) {
            throw new CertificateException(label + ": malformed subjectAltName: " + e.getMessage(), e);
        }
        X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
            String n = HostNames.normalize(IETFUtils.valueToString(rdn.getFirst().getValue()));
            if (n != null) {
                names.add(n);
            }
        }
        return List.copyOf(names);
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
