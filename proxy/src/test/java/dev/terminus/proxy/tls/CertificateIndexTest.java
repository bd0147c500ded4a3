package dev.terminus.proxy.tls;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SNI order as a table, without sockets: exact, one-label wildcard, default; and key-type choice. */
class CertificateIndexTest {
    static X509Bundle ca;
    static ServedCertificate def;
    static ServedCertificate exactEc;
    static ServedCertificate exactRsa;
    static ServedCertificate wildEc;
    static ServedCertificate olderEc;
    static CertificateIndex lenient;
    static CertificateIndex strict;

    static ServedCertificate cert(String cn, boolean rsa, Duration validity, String... sans) throws Exception {
        Instant now = Instant.now();
        CertificateBuilder b = TestPki.withDnsNames(new CertificateBuilder().subject("CN=" + cn)
                .notBefore(now.minusSeconds(60)).notAfter(now.plus(validity)), sans);
        X509Bundle leaf = (rsa ? b.rsa2048() : b.ecp256()).buildIssuedBy(ca);
        X509Certificate x = leaf.getCertificate();
        DerMaterial.Leaf fields = DerMaterial.leaf(x.getEncoded(), cn);
        LoadedCertificate loaded = new LoadedCertificate(cn, new X509Certificate[] {x},
                leaf.getKeyPair().getPrivate(), cn + ".pem", cn + ".key", fields.dnsNames(), fields.keyType(), cn,
                x.getSerialNumber(),
                x.getNotBefore().toInstant(), x.getNotAfter().toInstant());
        // JDK-style holder: the index never touches key material, so no native credential is needed.
        return new ServedCertificate(loaded, null);
    }

    @BeforeAll
    static void build() throws Exception {
        ca = new CertificateBuilder().subject("CN=ca").setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        def = cert("def", false, Duration.ofDays(30), "default.test");
        exactEc = cert("exact-ec", false, Duration.ofDays(60), "exact.test", "Other.Test.");
        olderEc = cert("older-ec", false, Duration.ofDays(10), "exact.test");
        exactRsa = cert("exact-rsa", true, Duration.ofDays(30), "exact.test");
        wildEc = cert("wild-ec", false, Duration.ofDays(30), "*.wild.test");
        List<ServedCertificate> all = new ArrayList<>(List.of(def, olderEc, exactEc, exactRsa, wildEc));
        lenient = CertificateIndex.build(all, def, false);
        strict = CertificateIndex.build(all, def, true);
    }

    @ParameterizedTest(name = "''{0}'' -> {1} {2}")
    @CsvSource(nullValues = "NONE", value = {
            "exact.test,        EXACT,    exact-ec",
            "EXACT.TEST,        EXACT,    exact-ec",
            "exact.test.,       EXACT,    exact-ec",
            "other.test,        EXACT,    exact-ec",
            "a.wild.test,       WILDCARD, wild-ec",
            "A.Wild.Test.,      WILDCARD, wild-ec",
            "a.b.wild.test,     UNKNOWN,  def",
            "wild.test,         UNKNOWN,  def",
            "*.wild.test,       WILDCARD, wild-ec",
            ".wild.test,        UNKNOWN,  def",
            "nothing.test,      UNKNOWN,  def",
            "NONE,              DEFAULT,  def",
    })
    void lenientOrder(String sni, SniOutcome outcome, String first) {
        CertificateIndex.Selection s = lenient.select(sni);
        assertThat(s.outcome()).isEqualTo(outcome);
        assertThat(s.certificates().get(0).name()).isEqualTo(first);
    }

    @ParameterizedTest(name = "strict ''{0}'' -> {1}")
    @CsvSource(nullValues = "NONE", value = {
            "exact.test,    EXACT",
            "a.wild.test,   WILDCARD",
            "a.b.wild.test, REFUSED",
            "nothing.test,  REFUSED",
            "NONE,          DEFAULT",
    })
    void strictOrder(String sni, SniOutcome outcome) {
        assertThat(strict.select(sni).outcome()).isEqualTo(outcome);
    }

    @Test
    void offersEcdsaFirstThenRsaAndTheLatestExpiryAmongEquals() {
        assertThat(lenient.select("exact.test").certificates()).containsExactly(exactEc, exactRsa);
    }

    @Test
    void exactLookupAllocatesNoNewSelection() {
        assertThat(lenient.select("exact.test")).isSameAs(lenient.select("exact.test"));
    }

    @ParameterizedTest(name = "normalize ''{0}'' = {1}")
    @CsvSource(nullValues = "NONE", value = {
            "example.com,          example.com",
            "EXAMPLE.com.,         example.com",
            "bücher.example,       xn--bcher-kva.example",
            "BÜCHER.example.,      xn--bcher-kva.example",
            "'',                   NONE",
            ".,                    NONE",
            "NONE,                 NONE",
    })
    void hostNames(String in, String out) {
        assertThat(HostNames.normalize(in)).isEqualTo(out);
    }
}
