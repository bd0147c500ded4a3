package dev.terminus.proxy.tls;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Time;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what the proxy needs from a certificate and its private key straight from their DER:
 * names, validity, serial, key type, and the PKCS#8 bytes that BoringSSL parses itself. No JDK
 * certificate or key objects, no general ASN.1 object tree: loading 100,000 certificates is made
 * of this, so it reads only the fields it uses (Bouncy Castle only words error messages).
 * BoringSSL, or the JDK on the fallback provider, then parses the chain and key strictly.
 */
final class DerMaterial {
    // Object identifiers, as their DER content bytes.
    private static final byte[] RSA_ENCRYPTION = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 1, 1, 1};
    private static final byte[] EC_PUBLIC_KEY = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 2, 1};
    private static final byte[] PRIME256V1 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 3, 1, 7};
    private static final byte[] SECP384R1 = {0x2b, (byte) 0x81, 0x04, 0x00, 0x22};
    private static final byte[] SUBJECT_ALT_NAME = {0x55, 0x1d, 0x11};
    private static final byte[] COMMON_NAME = {0x55, 0x04, 0x03};
    private static final int DNS_NAME = 0x82; // GeneralName dNSName: [2] IMPLICIT IA5String
    private static final int VERSION = 0xa0;
    private static final int EXTENSIONS = 0xa3;
    private static final int EC_PARAMETERS = 0xa0;
    private static final int EC_PUBLIC = 0xa1;

    private DerMaterial() {
    }

    /** The fields of a leaf certificate the proxy uses. */
    record Leaf(byte[] der, BigInteger serial, Instant notBefore, Instant notAfter, byte[] subject, String keyType,
                byte[] curve, byte[] publicKeyBits, byte[] rsaModulus, List<String> dnsNames) {
        /** Returns the subject for messages, as X.500 text. */
        String subjectText() {
            try {
                return X500Name.getInstance(ASN1Primitive.fromByteArray(subject)).toString();
            } catch (IOException | RuntimeException e) {
                return "(unreadable subject)";
            }
        }
    }

    /**
     * A private key as PKCS#8, with what is needed to compare it with a certificate.
     *
     * @param algorithm   {@code RSA} or {@code EC}
     * @param pkcs8       the key as PKCS#8, converted from PKCS#1 or SEC1 if need be
     * @param rsaModulus  the RSA modulus without leading zeros, or {@code null}
     * @param curve       the EC curve's OID content, or {@code null} when the key does not name it
     * @param ecKey       the SEC1 ECPrivateKey content, or {@code null} for RSA
     * @param hasPublic   whether an EC key carries its public key
     */
    record Key(String algorithm, byte[] pkcs8, byte[] rsaModulus, byte[] curve, byte[] ecKey, boolean hasPublic) {
    }

    /** Parses a certificate far enough to use it as the leaf. */
    static Leaf leaf(byte[] der, String label) throws CertificateException {
        try {
            Der cert = Der.single(der, Der.SEQUENCE);
            Der tbs = cert.read(Der.SEQUENCE);
            cert.skip(Der.SEQUENCE);
            cert.skip(Der.BIT_STRING);
            cert.end();
            tbs.skipIf(VERSION);
            BigInteger serial = new BigInteger(tbs.bytes(Der.INTEGER));
            tbs.skip(Der.SEQUENCE); // signature algorithm
            tbs.skip(Der.SEQUENCE); // issuer
            Der validity = tbs.read(Der.SEQUENCE);
            Instant notBefore = time(validity);
            Instant notAfter = time(validity);
            validity.end();
            byte[] subject = tbs.element(Der.SEQUENCE);
            Der spki = tbs.read(Der.SEQUENCE);
            Der algorithm = spki.read(Der.SEQUENCE);
            byte[] publicKeyBits = spki.element(Der.BIT_STRING);
            spki.end();
            String keyType;
            byte[] curve = null;
            byte[] modulus = null;
            if (algorithm.nextIs(Der.OID, RSA_ENCRYPTION)) {
                Der rsa = Der.single(bitStringContent(publicKeyBits), Der.SEQUENCE);
                modulus = positive(rsa.bytes(Der.INTEGER));
                int bits = bitLength(modulus);
                if (bits < 2048) {
                    throw new CertificateException(label + ": RSA key of " + bits + " bits (expected: at least 2048)");
                }
                keyType = "RSA_" + bits;
            } else if (algorithm.nextIs(Der.OID, EC_PUBLIC_KEY)) {
                algorithm.skip(Der.OID);
                if (algorithm.nextIs(Der.OID, PRIME256V1)) {
                    keyType = "EC_prime256v1";
                } else if (algorithm.nextIs(Der.OID, SECP384R1)) {
                    keyType = "EC_secp384r1";
                } else {
                    throw new CertificateException(label + ": EC key on curve " + describe(algorithm)
                            + " (expected: P-256 or P-384)");
                }
                curve = algorithm.bytes(Der.OID);
            } else {
                throw new CertificateException(label + ": key algorithm " + describe(algorithm)
                        + " (expected: RSA or ECDSA)");
            }
            List<String> names = null;
            tbs.skipIf(0x81); // issuerUniqueID
            tbs.skipIf(0xa1);
            tbs.skipIf(0x82); // subjectUniqueID
            tbs.skipIf(0xa2);
            if (tbs.peek() == EXTENSIONS) {
                Der extensions = tbs.read(EXTENSIONS).read(Der.SEQUENCE);
                while (extensions.more()) {
                    Der ext = extensions.read(Der.SEQUENCE);
                    boolean san = ext.nextIs(Der.OID, SUBJECT_ALT_NAME);
                    ext.skip(Der.OID);
                    ext.skipIf(0x01); // critical
                    if (san) {
                        names = sanDnsNames(ext.bytes(Der.OCTET_STRING));
                    }
                }
            }
            tbs.end();
            if (names == null) {
                names = commonNames(subject);
            }
            return new Leaf(der, serial, notBefore, notAfter, subject, keyType, curve, publicKeyBits, modulus, names);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new CertificateException(label + ": malformed PEM certificate: " + e.getMessage(), e);
        }
    }

    /** Checks that DER holds one certificate's outer structure; BoringSSL or the JDK parse the rest. */
    static void certificate(byte[] der, String label) throws CertificateException {
        try {
            Der cert = Der.single(der, Der.SEQUENCE);
            cert.skip(Der.SEQUENCE);
            cert.skip(Der.SEQUENCE);
            cert.skip(Der.BIT_STRING);
            cert.end();
        } catch (IllegalArgumentException e) {
            throw new CertificateException(label + ": malformed PEM certificate: " + e.getMessage(), e);
        }
    }

    /** Returns the DNS names of a subjectAltName value (RFC 5280 4.2.1.6), normalised. */
    private static List<String> sanDnsNames(byte[] value) {
        Set<String> names = new LinkedHashSet<>(2);
        Der generalNames = Der.single(value, Der.SEQUENCE);
        while (generalNames.more()) {
            int tag = generalNames.peek();
            if (tag == DNS_NAME) {
                String name = HostNames.normalize(new String(generalNames.bytes(DNS_NAME), StandardCharsets.ISO_8859_1));
                if (name != null) {
                    names.add(name);
                }
            } else {
                generalNames.skip(tag);
            }
        }
        return List.copyOf(names);
    }

    /** Returns the subject's common names, for certificates without subjectAltName (RFC 6125 6.4.4). */
    private static List<String> commonNames(byte[] subject) {
        Set<String> names = new LinkedHashSet<>(2);
        Der rdns = Der.single(subject, Der.SEQUENCE);
        while (rdns.more()) {
            Der rdn = rdns.read(Der.SET);
            while (rdn.more()) {
                Der attribute = rdn.read(Der.SEQUENCE);
                boolean cn = attribute.nextIs(Der.OID, COMMON_NAME);
                attribute.skip(Der.OID);
                int tag = attribute.peek();
                if (!cn || tag < 0) {
                    continue;
                }
                byte[] value = attribute.bytes(tag);
                String text = switch (tag) {
                    case Der.UTF8_STRING -> new String(value, StandardCharsets.UTF_8);
                    case Der.BMP_STRING -> new String(value, StandardCharsets.UTF_16BE);
                    case Der.PRINTABLE_STRING, Der.IA5_STRING, Der.T61_STRING -> new String(value,
                            StandardCharsets.ISO_8859_1);
                    default -> null;
                };
                String name = text == null ? null : HostNames.normalize(text);
                if (name != null) {
                    names.add(name);
                }
            }
        }
        return List.copyOf(names);
    }

    /** Reads a UTCTime or GeneralizedTime in the form RFC 5280 4.1.2.5 requires; other forms through Bouncy Castle. */
    private static Instant time(Der validity) {
        int tag = validity.peek();
        if (tag != Der.UTC_TIME && tag != Der.GENERALIZED_TIME) {
            throw new IllegalArgumentException("validity time has tag 0x" + Integer.toHexString(tag)
                    + " (expected: UTCTime or GeneralizedTime)");
        }
        Der t = validity.read(tag);
        boolean utc = tag == Der.UTC_TIME;
        int digits = utc ? 12 : 14;
        if (t.remaining() == digits + 1 && t.byteAt(digits) == 'Z' && allDigits(t, digits)) {
            int i = 0;
            int year;
            if (utc) {
                int yy = number(t, 0);
                year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 4.1.2.5.1
                i = 2;
            } else {
                year = number(t, 0) * 100 + number(t, 2);
                i = 4;
            }
            return LocalDateTime.of(year, number(t, i), number(t, i + 2), number(t, i + 4), number(t, i + 6),
                    number(t, i + 8)).toInstant(ZoneOffset.UTC);
        }
        try {
            return Time.getInstance(ASN1Primitive.fromByteArray(Der.encode(tag, t.rest()))).getDate().toInstant();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable validity time", e);
        }
    }

    private static boolean allDigits(Der t, int count) {
        for (int i = 0; i < count; i++) {
            if (t.byteAt(i) < '0' || t.byteAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(Der t, int at) {
        return (t.byteAt(at) - '0') * 10 + (t.byteAt(at + 1) - '0');
    }

    /**
     * Returns the key as PKCS#8 from the blocks of a key file, converting PKCS#1
     * ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}); refuses encrypted keys.
     */
    static Key privateKey(List<Pem.Block> blocks, String label) throws CertificateException {
        for (Pem.Block block : blocks) {
            String type = block.type();
            if (type.equals("ENCRYPTED PRIVATE KEY") || block.encryptedHeader()) {
                throw new CertificateException(label + ": private key is encrypted (expected: an unencrypted PEM key; "
                        + "keep it readable only by the proxy's user instead)");
            }
            try {
                switch (type) {
                    case "PRIVATE KEY":
                        return pkcs8(block.der());
                    case "RSA PRIVATE KEY":
                        return rsa(block.der(), Der.encode(Der.SEQUENCE,
                                Der.encode(Der.INTEGER, new byte[] {0}),
                                Der.encode(Der.SEQUENCE, Der.encode(Der.OID, RSA_ENCRYPTION), new byte[] {Der.NULL, 0}),
                                Der.encode(Der.OCTET_STRING, block.der())));
                    case "EC PRIVATE KEY":
                        return ec(null, block.der());
                    case "EC PARAMETERS":
                        continue; // written before the key by `openssl ecparam -genkey`
                    default:
                        throw new CertificateException(label + ": unexpected PEM block '" + type
                                + "' (expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
                }
            } catch (IllegalArgumentException e) {
                throw new CertificateException(label + ": malformed private key: " + e.getMessage(), e);
            }
        }
        throw new CertificateException(label + ": no private key found (expected: a PEM PRIVATE KEY block)");
    }

    private static Key pkcs8(byte[] der) {
        Der info = Der.single(der, Der.SEQUENCE);
        info.skip(Der.INTEGER);
        Der algorithm = info.read(Der.SEQUENCE);
        byte[] key = info.bytes(Der.OCTET_STRING);
        if (algorithm.nextIs(Der.OID, RSA_ENCRYPTION)) {
            return rsa(key, der);
        }
        if (algorithm.nextIs(Der.OID, EC_PUBLIC_KEY)) {
            algorithm.skip(Der.OID);
            byte[] curve = algorithm.peek() == Der.OID ? algorithm.bytes(Der.OID) : null;
            return new Key("EC", der, null, curve, key, ecHasPublic(key));
        }
        return new Key("other", der, null, null, null, false);
    }

    private static Key rsa(byte[] rsaPrivateKey, byte[] pkcs8) {
        Der rsa = Der.single(rsaPrivateKey, Der.SEQUENCE);
        rsa.skip(Der.INTEGER); // version
        return new Key("RSA", pkcs8, positive(rsa.bytes(Der.INTEGER)), null, null, false);
    }

    /** Wraps a SEC1 key in PKCS#8, naming the curve of its own parameters or else {@code fallbackCurve}. */
    private static Key ec(byte[] fallbackCurve, byte[] sec1) {
        Der key = Der.single(sec1, Der.SEQUENCE);
        key.skip(Der.INTEGER);
        key.skip(Der.OCTET_STRING);
        byte[] curve = key.peek() == EC_PARAMETERS ? Der.single(key.bytes(EC_PARAMETERS), Der.OID).rest() : fallbackCurve;
        byte[] pkcs8 = curve == null ? null : pkcs8Ec(curve, sec1);
        return new Key("EC", pkcs8, null, curve, sec1, ecHasPublic(sec1));
    }

    private static byte[] pkcs8Ec(byte[] curve, byte[] sec1) {
        return Der.encode(Der.SEQUENCE, Der.encode(Der.INTEGER, new byte[] {0}),
                Der.encode(Der.SEQUENCE, Der.encode(Der.OID, EC_PUBLIC_KEY), Der.encode(Der.OID, curve)),
                Der.encode(Der.OCTET_STRING, sec1));
    }

    private static boolean ecHasPublic(byte[] sec1) {
        Der key = Der.single(sec1, Der.SEQUENCE);
        key.skip(Der.INTEGER);
        key.skip(Der.OCTET_STRING);
        key.skipIf(EC_PARAMETERS);
        return key.peek() == EC_PUBLIC;
    }

    /**
     * Checks the key against the leaf as far as is free at this level (the algorithm, the RSA
     * modulus, the EC curve) and returns the PKCS#8 to hand on, or {@code null} if they do not match.
     *
     * <p>With {@code addPublicKey}, an EC key that does not carry its public key gets the
     * certificate's (RFC 5915 allows either). BoringSSL checks on parsing that the private scalar
     * yields the public point it is given, and computes that point itself when none is given: so
     * the check that the key matches the certificate comes at the price BoringSSL pays anyway, and
     * a key without its public key no longer costs a second scalar multiplication.
     */
    static byte[] matchingPkcs8(Key key, Leaf leaf, boolean addPublicKey) {
        if (key.rsaModulus() != null) {
            return leaf.rsaModulus() != null && Arrays.equals(key.rsaModulus(), leaf.rsaModulus()) ? key.pkcs8() : null;
        }
        if (!"EC".equals(key.algorithm()) || leaf.curve() == null
                || (key.curve() != null && !Arrays.equals(key.curve(), leaf.curve()))) {
            return null;
        }
        if (key.hasPublic() || !addPublicKey) {
            return key.pkcs8() != null ? key.pkcs8() : pkcs8Ec(leaf.curve(), key.ecKey());
        }
        Der sec1 = Der.single(key.ecKey(), Der.SEQUENCE);
        byte[] version = sec1.element(Der.INTEGER);
        byte[] scalar = sec1.element(Der.OCTET_STRING);
        byte[] parameters = sec1.peek() == EC_PARAMETERS ? sec1.element(EC_PARAMETERS) : new byte[0];
        byte[] withPublic = Der.encode(Der.SEQUENCE, version, scalar, parameters,
                Der.encode(EC_PUBLIC, leaf.publicKeyBits()));
        return pkcs8Ec(leaf.curve(), withPublic);
    }

    private static byte[] bitStringContent(byte[] bitStringElement) {
        Der bits = Der.single(bitStringElement, Der.BIT_STRING);
        byte[] content = bits.rest();
        if (content.length == 0 || content[0] != 0) {
            throw new IllegalArgumentException("public key BIT STRING with unused bits");
        }
        return Arrays.copyOfRange(content, 1, content.length);
    }

    /** Returns a non-negative INTEGER's content without its leading zero bytes. */
    private static byte[] positive(byte[] integer) {
        int i = 0;
        while (i < integer.length - 1 && integer[i] == 0) {
            i++;
        }
        return i == 0 ? integer : Arrays.copyOfRange(integer, i, integer.length);
    }

    private static int bitLength(byte[] magnitude) {
        if (magnitude.length == 0 || magnitude[0] == 0) {
            return 0;
        }
        return (magnitude.length - 1) * 8 + (32 - Integer.numberOfLeadingZeros(magnitude[0] & 0xff));
    }

    /** Describes an algorithm identifier's next OID for a message; only on the error path. */
    private static String describe(Der algorithm) {
        try {
            return algorithm.peek() == Der.OID
                    ? ASN1Primitive.fromByteArray(algorithm.element(Der.OID)).toString()
                    : "with explicit parameters";
        } catch (IOException | RuntimeException e) {
            return "(unreadable)";
        }
    }

    /** A private key carried as its PKCS#8 encoding, for BoringSSL to parse; never parsed in Java. */
    record EncodedPrivateKey(String algorithm, byte[] pkcs8) implements PrivateKey {
        @Override
        public String getAlgorithm() {
            return algorithm;
        }

        @Override
        public String getFormat() {
            return "PKCS#8";
        }

        @Override
        public byte[] getEncoded() {
            return pkcs8.clone();
        }

        @Override
        public String toString() {
            return algorithm + " private key (PKCS#8, " + pkcs8.length + " bytes)";
        }
    }
}
