package dev.terminus.proxy.tls;

import dev.terminus.proxy.testing.NettyTlsClient;
import dev.terminus.proxy.testing.OpenSslClient;
import dev.terminus.proxy.testing.TestPki;
import dev.terminus.proxy.testing.TlsRig;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each security policy allows what its name promises and refuses the rest, seen by real clients. */
class SecurityPolicyTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static final Map<SecurityPolicy, TlsRig> rigs = new EnumMap<>(SecurityPolicy.class);

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir);
        TestPki.Files2 ec = pki.ecdsa("pol-ec", "pol.test");
        TestPki.Files2 rsa = pki.rsa("pol-rsa", "pol.test");
        for (SecurityPolicy p : SecurityPolicy.values()) {
            rigs.put(p, new TlsRig(TlsRig.config(p.policyName(), false, ec, rsa), TlsProvider.detect(false)));
        }
    }

    @AfterAll
    static void stop() {
        rigs.values().forEach(TlsRig::close);
    }

    private static int port(SecurityPolicy p) {
        return rigs.get(p).port("https");
    }

    @Test
    void tls11ClientIsRefusedByEveryPolicy() throws Exception {
        for (SecurityPolicy p : SecurityPolicy.values()) {
            OpenSslClient.Handshake h = OpenSslClient.connect(port(p), "pol.test", "-tls1_1",
                    "-cipher", "DEFAULT@SECLEVEL=0");
            assertThat(h.succeeded()).as(p + ": " + h.output()).isFalse();
            assertThat(h.output()).as(p.policyName()).containsIgnoringCase("protocol version");
        }
    }

    @Test
    void tls13OnlyPolicyRefusesTls12() throws Exception {
        OpenSslClient.Handshake refused = OpenSslClient.connect(port(SecurityPolicy.TLS13_1_3_2021_06), "pol.test",
                "-tls1_2");
        assertThat(refused.succeeded()).as(refused.output()).isFalse();
        OpenSslClient.Handshake ok = OpenSslClient.connect(port(SecurityPolicy.TLS13_1_3_2021_06), "pol.test",
                "-tls1_3");
        assertThat(ok.succeeded()).as(ok.output()).isTrue();
        assertThat(ok.protocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void defaultPolicyAllowsTls12AeadOnly() throws Exception {
        int port = port(SecurityPolicy.TLS13_1_2_2021_06);
        assertThat(OpenSslClient.connect(port, "pol.test", "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305")
                .succeeded()).isTrue();
        assertThat(OpenSslClient.connect(port, "pol.test", "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384")
                .succeeded()).isTrue();
        // CBC suites and RSA key exchange have no forward secrecy or no AEAD: refused.
        assertThat(OpenSslClient.connect(port, "pol.test", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256")
                .succeeded()).isFalse();
        assertThat(OpenSslClient.connect(port, "pol.test", "-tls1_2", "-cipher", "AES128-GCM-SHA256")
                .succeeded()).isFalse();
    }

    @Test
    void restrictedPoliciesAllowOnlyEcdheAesGcmInTls12() throws Exception {
        for (SecurityPolicy p : new SecurityPolicy[] {SecurityPolicy.TLS13_1_2_RES_2021_06,
                SecurityPolicy.TLS13_1_2_RES_PQ_2025_09}) {
            assertThat(OpenSslClient.connect(port(p), "pol.test", "-tls1_2", "-cipher",
                    "ECDHE-ECDSA-AES128-GCM-SHA256").succeeded()).as(p.policyName()).isTrue();
            assertThat(OpenSslClient.connect(port(p), "pol.test", "-tls1_2", "-cipher",
                    "ECDHE-ECDSA-CHACHA20-POLY1305").succeeded()).as(p.policyName()).isFalse();
        }
    }

    @Test
    void classicPoliciesPreferX25519EvenWhenTheClientListsP256First() throws Exception {
        OpenSslClient.Handshake h = OpenSslClient.connect(port(SecurityPolicy.TLS13_1_2_2021_06), "pol.test",
                "-groups", "P-256:X25519");
        assertThat(h.output()).contains("Server Temp Key: X25519");
    }

    @Test
    void onlyThePostQuantumPolicyAcceptsAHybridOnlyClient() throws Exception {
        SslContext hybridOnly = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(pki.ca().getCertificate()).protocols("TLSv1.3")
                .option(OpenSslContextOption.GROUPS, new String[] {"X25519MLKEM768"}).build();
        try (NettyTlsClient client = new NettyTlsClient()) {
            NettyTlsClient.Outcome pq = client.handshake(hybridOnly, port(SecurityPolicy.TLS13_1_2_RES_PQ_2025_09),
                    "pol.test");
            assertThat(pq.succeeded()).as(String.valueOf(pq.cause())).isTrue();
            assertThat(pq.subjectCn()).isEqualTo("pol-ec");
            NettyTlsClient.Outcome classic = client.handshake(hybridOnly, port(SecurityPolicy.TLS13_1_2_RES_2021_06),
                    "pol.test");
            assertThat(classic.succeeded()).isFalse();
        }
    }
}
