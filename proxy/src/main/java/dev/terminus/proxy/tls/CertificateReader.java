package dev.terminus.proxy.tls;

import io.netty.handler.ssl.util.LazyX509Certificate;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
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
import java.util.Arrays;
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

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

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
        Buffers b = BUFFERS.get();
        byte[] chain = readFile(chainFile, "certificate chain", b, b.chain);
        int chainLength = b.length;
        byte[] key = readFile(keyFile, "private key", b, b.key);
        return read(name, chain, chainLength, chainFile.toString(), key, b.length, keyFile.toString(), b);
    }

    /** Reads and checks one certificate from PEM bytes; the labels name the inputs in errors. */
    public LoadedCertificate read(String name, byte[] chainPem, String chainLabel, byte[] keyPem, String keyLabel)
            throws CertificateException {
        return read(name, chainPem, chainPem.length, chainLabel, keyPem, keyPem.length, keyLabel, BUFFERS.get());
    }

    private LoadedCertificate read(String name, byte[] chainPem, int chainLength, String chainLabel, byte[] keyPem,
                                   int keyLength, String keyLabel, Buffers b) throws CertificateException {
        List<Pem.Block> blocks = blocks(chainPem, chainLength, chainLabel, "certificate", b.base64);
        if (blocks.isEmpty()) {
            throw new CertificateException(chainLabel
                    + ": no certificate found (expected: PEM CERTIFICATE blocks, leaf first)");
        }
        for (Pem.Block block : blocks) {
            if (!"CERTIFICATE".equals(block.type())) {
                throw new CertificateException(chainLabel + ": unexpected PEM block '" + block.type()
                        + "' in a certificate chain (expected: CERTIFICATE blocks, leaf first)");
            }
        }
        DerMaterial.Leaf leaf = DerMaterial.leaf(blocks.get(0).der(), chainLabel);
        for (int i = 1; i < blocks.size(); i++) {
            DerMaterial.certificate(blocks.get(i).der(), chainLabel);
        }
        DerMaterial.Key keyInfo = DerMaterial.privateKey(blocks(keyPem, keyLength, keyLabel, "private key", b.base64),
                keyLabel);
        byte[] pkcs8 = DerMaterial.matchingPkcs8(keyInfo, leaf, !javaObjects);
        if (pkcs8 == null) {
            throw mismatch(keyLabel, chainLabel);
        }
        Instant now = clock.instant();
        if (now.isAfter(leaf.notAfter())) {
            throw new CertificateException(chainLabel + ": certificate expired on " + leaf.notAfter() + " (subject "
                    + leaf.subjectText() + ")");
        }
        if (now.isBefore(leaf.notBefore())) {
            throw new CertificateException(chainLabel + ": certificate is not valid before " + leaf.notBefore());
        }
        String algorithm = keyInfo.algorithm();
        X509Certificate[] chain = new X509Certificate[blocks.size()];
        byte[][] der = null;
        PrivateKey key;
        if (javaObjects) {
            for (int i = 0; i < chain.length; i++) {
                chain[i] = javaCertificate(blocks.get(i).der(), chainLabel);
            }
            key = javaKey(algorithm, pkcs8, keyLabel);
            if (!matches(key, chain[0].getPublicKey())) {
                throw mismatch(keyLabel, chainLabel);
            }
        } else {
            // BoringSSL decodes these itself, and checks that an EC key's scalar gives the public
            // point (the certificate's, see DerMaterial.matchingPkcs8) when it builds the credential.
            der = new byte[chain.length][];
            for (int i = 0; i < chain.length; i++) {
                der[i] = blocks.get(i).der();
                chain[i] = new LazyX509Certificate(der[i]);
            }
            key = new DerMaterial.EncodedPrivateKey(algorithm, pkcs8);
        }
        return new LoadedCertificate(name, chain, key, chainLabel, keyLabel, leaf.dnsNames(), leaf.keyType(),
                fingerprint(b.sha256, chainPem, chainLength, keyPem, keyLength), leaf.serial(), leaf.notBefore(),
                leaf.notAfter(), der);
    }

    /** The error for a key that is not the certificate's; made only when it happens (100,000 reads make none). */
    private static CertificateException mismatch(String keyLabel, String chainLabel) {
        return new CertificateException(keyLabel + ": private key does not match the certificate in " + chainLabel);
    }

    private static List<Pem.Block> blocks(byte[] pem, int length, String label, String what, byte[] scratch)
            throws CertificateException {
        try {
            return Pem.blocks(pem, length, scratch);
        } catch (IllegalArgumentException e) {
            throw new CertificateException(label + ": malformed PEM " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a whole file into {@code scratch} when it fits, else into a new array, and leaves the
     * length read in {@code b.length}. One open and one read (plus the read that sees the end), no
     * stat: at 100,000 certificates every system call counts.
     */
    private static byte[] readFile(Path file, String what, Buffers b, byte[] scratch) throws CertificateException {
        // A FileInputStream costs three small objects; a channel stream costs a channel, a cleaner
        // and a buffer wrapper per read. Reads of at most 8 KiB go through the JDK's stack buffer
        // instead of a malloc each.
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            int n = 0;
            for (int r; n < scratch.length && (r = in.read(scratch, n, Math.min(8192, scratch.length - n))) > 0; ) {
                n += r;
            }
            if (n < scratch.length) {
                b.length = n;
                return scratch;
            }
            byte[] rest = in.readNBytes((int) MAX_PEM_BYTES + 1 - n);
            if (n + rest.length > MAX_PEM_BYTES) {
                throw new CertificateException(file + ": " + what + " file is larger than " + MAX_PEM_BYTES
                        + " bytes (expected: at most " + MAX_PEM_BYTES + ")");
            }
            byte[] all = Arrays.copyOf(scratch, n + rest.length);
            System.arraycopy(rest, 0, all, n, rest.length);
            b.length = all.length;
            return all;
        } catch (FileNotFoundException e) {
            // The stream says only "(reason)" after the path: name the usual two as the channel did.
            if (!Files.exists(file)) {
                throw new CertificateException(file + ": cannot read " + what + ": no such file");
            }
            if (!Files.isReadable(file)) {
                throw new CertificateException(file + ": cannot read " + what + ": permission denied");
            }
            throw new CertificateException(file + ": cannot read " + what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CertificateException(file + ": cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /** Per-thread scratch space for file contents, so that reading a certificate allocates only what it keeps. */
    private static final class Buffers {
        final byte[] chain = new byte[16 * 1024];
        final byte[] key = new byte[16 * 1024];
        final byte[] base64 = new byte[16 * 1024];
        final MessageDigest sha256;
        int length;

        Buffers() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by every JDK", e);
            }
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

    /** Returns SHA-256 over the chain bytes, a zero byte and the key bytes, in hex; resets the digest. */
    private static String fingerprint(MessageDigest sha256, byte[] chain, int chainLength, byte[] key, int keyLength) {
        sha256.update(chain, 0, chainLength);
        sha256.update((byte) 0);
        sha256.update(key, 0, keyLength);
        return HexFormat.of().formatHex(sha256.digest());
    }
}
