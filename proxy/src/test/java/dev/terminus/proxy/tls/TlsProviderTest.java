package dev.terminus.proxy.tls;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What BoringSSL itself checks when key material is prepared. */
class TlsProviderTest {
    private static X509Bundle leaf(String cn, boolean rsa) throws Exception {
        CertificateBuilder b = new CertificateBuilder().subject("CN=" + cn).setIsCertificateAuthority(true);
        return (rsa ? b.rsa2048() : b.ecp256()).buildSelfSigned();
    }

    private static LoadedCertificate loaded(X509Bundle cert, X509Bundle keyFrom) {
        X509Certificate x = cert.getCertificate();
        return new LoadedCertificate("x", new X509Certificate[] {x}, keyFrom.getKeyPair().getPrivate(), "x.pem",
                "x.key", List.of("x.test"), "EC_prime256v1", "f", x.getSerialNumber(), x.getNotBefore().toInstant(),
                x.getNotAfter().toInstant());
    }

    @Test
    void boringSslRefusesAKeyThatDoesNotMatchTheLeaf() throws Exception {
        TlsProvider provider = TlsProvider.detect(false);
        assertThat(provider.isOpenSsl()).isTrue();
        X509Bundle a = leaf("a", false);
        X509Bundle b = leaf("b", false);
        ServedCertificate ok = provider.serve(loaded(a, a));
        ok.release();
        assertThatThrownBy(() -> provider.serve(loaded(a, b))).isInstanceOf(CertificateException.class)
                .hasMessageContaining("x.key: private key does not match the certificate in x.pem");
    }

    @Test
    void jdkFallbackIsReportedWithItsReason() {
        TlsProvider jdk = TlsProvider.detect(true);
        assertThat(jdk.isOpenSsl()).isFalse();
        assertThat(jdk.label()).isEqualTo("jdk");
        assertThat(jdk.fallbackReason()).isNotBlank();
        assertThat(jdk.describe()).contains("FALLBACK");
    }
}
