package dev.terminus.proxy.tls;

import dev.terminus.proxy.testing.OpenSslClient;
import dev.terminus.proxy.testing.TestPki;
import dev.terminus.proxy.testing.TlsRig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SNI table, checked with the real openssl client against a running listener: which
 * certificate each server name gets, with and without strict SNI, and ECDSA versus RSA.
 */
class SniSelectionTest {
    @TempDir
    static Path dir;
    static TlsRig lenient;
    static TlsRig strict;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Files2 def = pki.ecdsa("default-ec", "default.test");
        TestPki.Files2 exactEc = pki.ecdsa("exact-ec", "exact.test");
        TestPki.Files2 exactRsa = pki.rsa("exact-rsa", "exact.test");
        TestPki.Files2 wild = pki.ecdsa("wild-ec", "*.wild.test");
        TestPki.Files2 rsaOnly = pki.rsa("rsaonly", "rsaonly.test");
        TestPki.Files2 idn = pki.ecdsa("idn-ec", "xn--bcher-kva.test");
        TlsProvider provider = TlsProvider.detect(false);
        assertThat(provider.isOpenSsl()).as("BoringSSL must load on this machine").isTrue();
        lenient = new TlsRig(TlsRig.config("TLS13-1-2-2021-06", false, def, exactEc, exactRsa, wild, rsaOnly, idn),
                provider);
        strict = new TlsRig(TlsRig.config("TLS13-1-2-2021-06", true, def, exactEc, exactRsa, wild, rsaOnly, idn),
                provider);
    }

    @AfterAll
    static void stop() {
        if (lenient != null) {
            lenient.close();
        }
        if (strict != null) {
            strict.close();
        }
    }

    @ParameterizedTest(name = "{0}: SNI ''{1}'' gets {2}")
    @CsvSource(nullValues = "NONE", value = {
            "exact,            exact.test,       exact-ec",
            "upper case,       EXACT.Test,       exact-ec",
            "trailing dot,     exact.test.,      exact-ec",
            "wildcard,         a.wild.test,      wild-ec",
            "nested name,      a.b.wild.test,    default-ec",
            "apex,             wild.test,        default-ec",
            "unknown,          nothing.test,     default-ec",
            "no SNI,           NONE,             default-ec",
            "rsa only name,    rsaonly.test,     rsaonly",
            "idn a-label,      xn--bcher-kva.test, idn-ec",
    })
    void lenientTable(String label, String sni, String expectedCn) throws Exception {
        OpenSslClient.Handshake h = OpenSslClient.connect(lenient.port("https"), sni);
        assertThat(h.succeeded()).as(h.output()).isTrue();
        assertThat(h.subjectCn()).as(label).isEqualTo(expectedCn);
    }

    @ParameterizedTest(name = "strict, {0}: SNI ''{1}'' gets {2}")
    @CsvSource(nullValues = "NONE", value = {
            "exact,        exact.test,    exact-ec",
            "wildcard,     a.wild.test,   wild-ec",
            "no SNI,       NONE,          default-ec",
    })
    void strictKnownNames(String label, String sni, String expectedCn) throws Exception {
        OpenSslClient.Handshake h = OpenSslClient.connect(strict.port("https"), sni);
        assertThat(h.succeeded()).as(h.output()).isTrue();
        assertThat(h.subjectCn()).as(label).isEqualTo(expectedCn);
    }

    @ParameterizedTest(name = "strict refuses ''{0}'' with unrecognized_name")
    @CsvSource({"nothing.test", "a.b.wild.test", "wild.test"})
    void strictRefusesUnknownNames(String sni) throws Exception {
        double before = strict.count("terminus.connections.refused", "reason", "unrecognized_name");
        OpenSslClient.Handshake h = OpenSslClient.connect(strict.port("https"), sni);
        assertThat(h.succeeded()).isFalse();
        assertThat(h.output()).containsIgnoringCase("unrecognized name");
        assertThat(strict.count("terminus.connections.refused", "reason", "unrecognized_name")).isEqualTo(before + 1);
    }

    @Test
    void clientOfferingEcdsaGetsEcdsa() throws Exception {
        OpenSslClient.Handshake h = OpenSslClient.connect(lenient.port("https"), "exact.test",
                "-sigalgs", "ECDSA+SHA256:rsa_pss_rsae_sha256:RSA+SHA256");
        assertThat(h.subjectCn()).as(h.output()).isEqualTo("exact-ec");
    }

    @Test
    void rsaOnlyClientGetsRsaOverTls13() throws Exception {
        OpenSslClient.Handshake h = OpenSslClient.connect(lenient.port("https"), "exact.test",
                "-tls1_3", "-sigalgs", "rsa_pss_rsae_sha256");
        assertThat(h.subjectCn()).as(h.output()).isEqualTo("exact-rsa");
        assertThat(h.protocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void rsaOnlyClientGetsRsaOverTls12() throws Exception {
        OpenSslClient.Handshake h = OpenSslClient.connect(lenient.port("https"), "exact.test",
                "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(h.subjectCn()).as(h.output()).isEqualTo("exact-rsa");
        assertThat(h.protocol()).isEqualTo("TLSv1.2");
    }

    @Test
    void handshakesAreCountedWithSniOutcome() throws Exception {
        double exact = lenient.count("terminus.tls.handshakes", "result", "success", "sni", "exact");
        double wildcard = lenient.count("terminus.tls.handshakes", "result", "success", "sni", "wildcard");
        double unknown = lenient.count("terminus.tls.handshakes", "result", "success", "sni", "unknown");
        OpenSslClient.connect(lenient.port("https"), "exact.test");
        OpenSslClient.connect(lenient.port("https"), "x.wild.test");
        OpenSslClient.connect(lenient.port("https"), "who.test");
        assertThat(lenient.count("terminus.tls.handshakes", "result", "success", "sni", "exact")).isEqualTo(exact + 1);
        assertThat(lenient.count("terminus.tls.handshakes", "result", "success", "sni", "wildcard"))
                .isEqualTo(wildcard + 1);
        assertThat(lenient.count("terminus.tls.handshakes", "result", "success", "sni", "unknown"))
                .isEqualTo(unknown + 1);
    }
}
