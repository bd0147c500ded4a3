package dev.terminus.controlplane.ca;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;

/** Checks that a private key belongs to a public key, whatever either's encoding or provider. */
public final class KeyPairs {
    private static final byte[] PROBE = "terminus key match probe".getBytes(StandardCharsets.US_ASCII);

    private KeyPairs() {
    }

    /** Returns whether {@code key} makes signatures that {@code publicKey} verifies. */
    public static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = publicKey instanceof RSAPublicKey ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A key of another curve fails to initialise or to verify: either way, not the same key.
            return false;
        }
    }
}
