package dev.terminus.controlplane.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks PEM round trips of certificates, chains and keys (clear and encrypted) and refusals of bad input. */
class PemTest {

    // Low iteration count for round trips; OpenSslInteropTest covers the real default once.
    private static final int FAST_ITERATIONS = 1_000;
    private static final char[] PASSPHRASE = "correct horse battery".toCharArray();

    private static CertificateAuthorityHierarchy ca;
    private static KeyPair ecKey;

    @BeforeAll
    static void createHierarchy() {
        ca = CertificateAuthorityHierarchy.empty(CaConfig.of("http://127.0.0.1:8089"), Clock.systemUTC());
        ca.createRoot(CreateRootRequest.of("Pem Test Root"));
        ca.createSubordinate(CreateSubordinateRequest.of("us-east-1"));
        ecKey = KeyAlgorithm.EC_prime256v1.generate(new SecureRandom());
    }

    @Test
    void ok_chainRoundTrip() {
        String pem = ca.chainPem("us-east-1");

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----").contains("-----END CERTIFICATE-----");
        assertThat(Pem.readCertificates(pem)).containsExactlyElementsOf(ca.chain("us-east-1"));
        assertThat(Pem.readCertificates(Pem.write(ca.root()))).containsExactly(ca.root());
    }

    @Test
    void ok_privateKeyRoundTrip() {
        String pem = Pem.writePrivateKey(ecKey.getPrivate());

        assertThat(pem).startsWith("-----BEGIN PRIVATE" + " KEY-----");
        assertThat(Pem.readPrivateKey(pem).getEncoded()).isEqualTo(ecKey.getPrivate().getEncoded());
    }

    @Test
    void ok_encryptedPrivateKeyRoundTrip() {
        String pem = Pem.writeEncryptedPrivateKey(ecKey.getPrivate(), PASSPHRASE, FAST_ITERATIONS);

        assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE" + " KEY-----");
        assertThat(Restore.keyMatches(Pem.readEncryptedPrivateKey(pem, PASSPHRASE), ecKey.getPublic())).isTrue();
        assertThat(Pem.writeEncryptedPrivateKey(ecKey.getPrivate(), PASSPHRASE, FAST_ITERATIONS))
                .as("fresh salt and IV each time").isNotEqualTo(pem);
    }

    @Test
    void fail_wrongPassphrase() {
        String pem = Pem.writeEncryptedPrivateKey(ecKey.getPrivate(), PASSPHRASE, FAST_ITERATIONS);

        assertThatThrownBy(() -> Pem.readEncryptedPrivateKey(pem, "wrong horse".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("passphrase: (hidden)")
                .hasMessageNotContaining("wrong horse");
    }

    @Test
    void fail_passphraseLength() {
        HierarchyTest.assertRefused(() -> Pem.writeEncryptedPrivateKey(ecKey.getPrivate(), "abc".toCharArray()),
                CaException.Code.INVALID_REQUEST, "passphrase: \"3 characters\"", "4 to 128 characters");
        HierarchyTest.assertRefused(() -> Pem.writeEncryptedPrivateKey(ecKey.getPrivate(), new char[129]),
                CaException.Code.INVALID_REQUEST, "passphrase: \"129 characters\"");
    }

    @Test
    void fail_unreadableInput() {
        String keyPem = Pem.writePrivateKey(ecKey.getPrivate());
        String certificatePem = Pem.write(ca.root());

        assertThatThrownBy(() -> Pem.readCertificates("")).hasMessageStartingWith("pem: no certificate");
        assertThatThrownBy(() -> Pem.readCertificates(keyPem)).hasMessageContaining("CERTIFICATE blocks only");
        assertThatThrownBy(() -> Pem.readPrivateKey(certificatePem)).hasMessageStartingWith("pem: a CERTIFICATE block");
        assertThatThrownBy(() -> Pem.readPrivateKey("garbage")).hasMessageStartingWith("pem: no PEM block");
        assertThatThrownBy(() -> Pem.readEncryptedPrivateKey(keyPem, PASSPHRASE))
                .hasMessageContaining("expected: an ENCRYPTED PRIVATE KEY block");
    }
}
