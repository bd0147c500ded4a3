package dev.terminus.controlplane.ca;

import static dev.terminus.controlplane.ca.HierarchyTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks ACM names, CA key choices and detection of unsupported keys. Detection of every supported
 * algorithm from a generated key is covered by {@link IssuanceTest}, which already pays for RSA-4096.
 */
class KeyAlgorithmTest {

    @ParameterizedTest(name = "ok_parse_{0}")
    @EnumSource(KeyAlgorithm.class)
    void ok_parseAcmName(KeyAlgorithm algorithm) {
        assertThat(KeyAlgorithm.parse(algorithm.name())).isEqualTo(algorithm);
    }

    @Test
    void ok_acmNamesAndCaChoices() {
        assertThat(Arrays.stream(KeyAlgorithm.values()).map(Enum::name))
                .containsExactly("RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1");
        assertThat(KeyAlgorithm.CA_KEY_ALGORITHMS).containsExactlyInAnyOrder(KeyAlgorithm.EC_secp384r1, KeyAlgorithm.RSA_4096);
    }

    @Test
    void ok_detectsEcCurves() {
        SecureRandom random = new SecureRandom();
        assertThat(KeyAlgorithm.of(KeyAlgorithm.EC_prime256v1.generate(random).getPublic()))
                .isEqualTo(KeyAlgorithm.EC_prime256v1);
        assertThat(KeyAlgorithm.of(KeyAlgorithm.EC_secp384r1.generate(random).getPublic()))
                .isEqualTo(KeyAlgorithm.EC_secp384r1);
    }

    @Test
    void fail_rsa1024() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        PublicKey key = generator.generateKeyPair().getPublic();
        assertRefused(() -> KeyAlgorithm.of(key), CaException.Code.INVALID_REQUEST, "publicKey: \"RSA 1024 bits\"");
    }

    @Test
    void fail_unsupportedCurve() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp521r1"));
        PublicKey key = generator.generateKeyPair().getPublic();
        assertRefused(() -> KeyAlgorithm.of(key), CaException.Code.INVALID_REQUEST, "publicKey: \"EC curve 1.3.132.0.35\"");
    }

    @Test
    void fail_ed25519() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        assertRefused(() -> KeyAlgorithm.of(key), CaException.Code.INVALID_REQUEST, "publicKey: \"EdDSA\"",
                "an RSA or EC key");
    }
}
