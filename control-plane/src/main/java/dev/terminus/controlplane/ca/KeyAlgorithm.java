package dev.terminus.controlplane.ca;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Names a key algorithm the way ACM does ({@code RSA_2048}, ..., {@code EC_secp384r1}), generates
 * key pairs of that algorithm and recognises the algorithm of an existing public key. The enum
 * constant names are the ACM names, so {@link #name()} is what the API and CLI show.
 */
public enum KeyAlgorithm {
    RSA_2048(2048, null, "SHA256withRSA"),
    RSA_3072(3072, null, "SHA256withRSA"),
    RSA_4096(4096, null, "SHA256withRSA"),
    EC_prime256v1(256, X9ObjectIdentifiers.prime256v1, "SHA256withECDSA"),
    EC_secp384r1(384, SECObjectIdentifiers.secp384r1, "SHA384withECDSA");

    /** Key algorithms a root or subordinate CA may use (as in the issue: EC P-384 or RSA-4096). */
    public static final Set<KeyAlgorithm> CA_KEY_ALGORITHMS = Set.copyOf(EnumSet.of(EC_secp384r1, RSA_4096));

    private final int bits;
    private final ASN1ObjectIdentifier curve;
    private final String signatureAlgorithm;

    KeyAlgorithm(int bits, ASN1ObjectIdentifier curve, String signatureAlgorithm) {
        this.bits = bits;
        this.curve = curve;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** Parses an ACM name such as {@code EC_prime256v1}; refuses anything else, listing the names. */
    public static KeyAlgorithm parse(String name) {
        for (KeyAlgorithm algorithm : values()) {
            if (algorithm.name().equals(name)) {
                return algorithm;
            }
        }
        throw CaException.invalid("keyAlgorithm", name, "one of " + Arrays.toString(values()));
    }

    /**
     * Detects the algorithm of {@code key}; refuses RSA sizes other than 2048/3072/4096, curves
     * other than P-256/P-384 (including explicit, unnamed curve parameters) and other key types.
     */
    public static KeyAlgorithm of(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int size = rsa.getModulus().bitLength();
            for (KeyAlgorithm algorithm : values()) {
                if (!algorithm.isEc() && algorithm.bits == size) {
                    return algorithm;
                }
            }
            throw CaException.invalid("publicKey", "RSA " + size + " bits", "RSA_2048, RSA_3072 or RSA_4096");
        }
        if (key instanceof ECPublicKey) {
            // The JDK exposes curves only as parameters; the SPKI carries the named-curve OID (RFC 5480 §2.1.1).
            ASN1Encodable parameters = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters();
            for (KeyAlgorithm algorithm : values()) {
                if (algorithm.isEc() && algorithm.curve.equals(parameters)) {
                    return algorithm;
                }
            }
            throw CaException.invalid("publicKey", "EC curve " + parameters, "a named curve: EC_prime256v1 or EC_secp384r1");
        }
        throw CaException.invalid("publicKey", key == null ? null : key.getAlgorithm(), "an RSA or EC key");
    }

    /** Returns whether a CA (root or subordinate) may use this algorithm. */
    public boolean isCaKeyAlgorithm() {
        return CA_KEY_ALGORITHMS.contains(this);
    }

    /** Returns whether this is an elliptic-curve algorithm. */
    public boolean isEc() {
        return curve != null;
    }

    /** Generates a fresh key pair; RSA-4096 takes seconds, so never call this on an event loop. */
    public KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(isEc() ? "EC" : "RSA");
            AlgorithmParameterSpec spec = isEc()
                    ? new ECGenParameterSpec(curve == X9ObjectIdentifiers.prime256v1 ? "secp256r1" : "secp384r1")
                    : new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4);
            generator.initialize(spec, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            // The JDK always provides RSA and P-256/P-384: a failure here is a broken runtime.
            throw new IllegalStateException("cannot generate " + this + " key", e);
        }
    }

    /** Returns the JCA signature algorithm a CA holding a key of this algorithm signs with. */
    String signatureAlgorithm() {
        return signatureAlgorithm;
    }
}
