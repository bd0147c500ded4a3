package dev.terminus.proxy.tls;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what the proxy needs from PEM certificates and keys at the ASN.1 level, without building
 * JDK certificate or key objects: names, validity, serial, key type, and the PKCS#8 bytes that
 * BoringSSL parses itself. About half the cost of the JDK's parsers per certificate, which is what
 * loading 100,000 certificates is made of.
 */
final class DerMaterial {
    private DerMaterial() {
    }

    /** The PEM blocks of a file, in order. */
    static List<PemObject> blocks(byte[] pem, String label, String what) throws CertificateException {
        List<PemObject> out = new ArrayList<>(2);
        try (PemReader reader = new PemReader(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            PemObject o;
            while ((o = reader.readPemObject()) != null) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new CertificateException(label + ": malformed PEM " + what + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Parses one certificate's DER; refuses anything that is not an X.509 certificate. */
    static Certificate certificate(byte[] der, String label) throws CertificateException {
        try {
            return Certificate.getInstance(der);
        } catch (RuntimeException e) {
            throw new CertificateException(label + ": malformed PEM certificate: " + e.getMessage(), e);
        }
    }

    static BigInteger serial(Certificate c) {
        return c.getSerialNumber().getValue();
    }

    /** Returns the ACM-style key algorithm name of the certificate's key, refusing what ALB refuses. */
    static String keyType(SubjectPublicKeyInfo spki, String label) throws CertificateException {
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        try {
            if (PKCSObjectIdentifiers.rsaEncryption.equals(alg)) {
                int bits = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus().bitLength();
                if (bits < 2048) {
                    throw new CertificateException(label + ": RSA key of " + bits + " bits (expected: at least 2048)");
                }
                return "RSA_" + bits;
            }
        } catch (IOException e) {
            throw new CertificateException(label + ": malformed RSA public key: " + e.getMessage(), e);
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(alg)) {
            Object params = spki.getAlgorithm().getParameters();
            if (X9ObjectIdentifiers.prime256v1.equals(params)) {
                return "EC_prime256v1";
            }
            if (SECObjectIdentifiers.secp384r1.equals(params)) {
                return "EC_secp384r1";
            }
            throw new CertificateException(label + ": EC key on curve " + params + " (expected: P-256 or P-384)");
        }
        throw new CertificateException(label + ": key algorithm " + alg + " (expected: RSA or ECDSA)");
    }

    /** Returns the DNS names from subjectAltName, or the CN when there is no SAN (RFC 6125 6.4.4). */
    static List<String> dnsNames(Certificate c) {
        Set<String> names = new LinkedHashSet<>();
        Extension san = c.getTBSCertificate().getExtensions() == null ? null
                : c.getTBSCertificate().getExtensions().getExtension(Extension.subjectAlternativeName);
        if (san != null) {
            for (GeneralName n : GeneralNames.getInstance(san.getParsedValue()).getNames()) {
                if (n.getTagNo() == GeneralName.dNSName) {
                    String name = HostNames.normalize(n.getName().toString());
                    if (name != null) {
                        names.add(name);
                    }
                }
            }
            return List.copyOf(names);
        }
        for (RDN rdn : c.getSubject().getRDNs(BCStyle.CN)) {
            String name = HostNames.normalize(IETFUtils.valueToString(rdn.getFirst().getValue()));
            if (name != null) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /**
     * Returns the key as PKCS#8, converting PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1
     * ({@code EC PRIVATE KEY}) blocks; refuses encrypted keys.
     */
    static PrivateKeyInfo privateKey(byte[] pem, String label) throws CertificateException {
        for (PemObject block : blocks(pem, label, "private key")) {
            String type = block.getType();
            boolean encryptedHeader = block.getHeaders().stream()
                    .anyMatch(h -> String.valueOf(h).contains("ENCRYPTED"));
            if (type.equals("ENCRYPTED PRIVATE KEY") || encryptedHeader) {
                throw new CertificateException(label + ": private key is encrypted (expected: an unencrypted PEM key; "
                        + "keep it readable only by the proxy's user instead)");
            }
            try {
                switch (type) {
                    case "PRIVATE KEY":
                        return PrivateKeyInfo.getInstance(block.getContent());
                    case "RSA PRIVATE KEY":
                        return new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                                DERNull.INSTANCE), RSAPrivateKey.getInstance(block.getContent()));
                    case "EC PRIVATE KEY":
                        ECPrivateKey sec1 = ECPrivateKey.getInstance(block.getContent());
                        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                                sec1.getParametersObject()), sec1);
                    case "EC PARAMETERS":
                        continue; // written before the key by `openssl ecparam -genkey`
                    default:
                        throw new CertificateException(label + ": unexpected PEM block '" + type
                                + "' (expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
                }
            } catch (IOException | RuntimeException e) {
                throw new CertificateException(label + ": malformed private key: " + e.getMessage(), e);
            }
        }
        throw new CertificateException(label + ": no private key found (expected: a PEM PRIVATE KEY block)");
    }

    /**
     * Checks the key against the certificate as far as is free at this level: the same algorithm,
     * and for RSA the same modulus. EC pairs are compared by BoringSSL when it builds the
     * credential, or by the JDK path for the fallback provider.
     */
    static boolean sameKey(PrivateKeyInfo key, SubjectPublicKeyInfo spki) throws IOException {
        ASN1ObjectIdentifier alg = key.getPrivateKeyAlgorithm().getAlgorithm();
        if (!alg.equals(spki.getAlgorithm().getAlgorithm())) {
            return false;
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(alg)) {
            return RSAPrivateKey.getInstance(key.parsePrivateKey()).getModulus()
                    .equals(RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus());
        }
        return true;
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
