package dev.terminus.proxy.config;

import dev.terminus.proxy.testing.NettyTlsClient;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** certificate-directories: every NAME.pem/NAME.crt with NAME.key beside it, reloaded when files come and go. */
class CertificateDirectoryTest {
    @TempDir
    Path dir;
    Path certs;
    TestPki pki;

    @BeforeEach
    void setUp() throws Exception {
        certs = Files.createDirectories(dir.resolve("certs"));
        pki = new TestPki(certs);
        Files.delete(pki.caFile());
    }

    private Path config(String defaultCertificate) throws Exception {
        return ProxyRig.writeConfig(dir, "certificate-directories: [certs]\n"
                + (defaultCertificate == null ? "" : "default-certificate: " + defaultCertificate + "\n")
                + "action: {fixed-response: {status: 200}}\n", null);
    }

    @Test
    void ok_everyPairBecomesANamedCertificateInNameOrder() throws Exception {
        pki.ecdsa("b-site", "b.test");
        TestPki.Files2 a = pki.rsa("a-site", "a.test");
        Files.move(a.chain(), certs.resolve("a-site.crt"));
        ProxyConfig cfg = ConfigLoader.load(config("b-site"));
        ProxyConfig.Listener l = cfg.listeners().get(0);
        assertThat(l.certificates()).extracting(ProxyConfig.Certificate::name).containsExactly("a-site", "b-site");
        assertThat(l.certificates().get(0).chain()).isEqualTo(certs.resolve("a-site.crt"));
        assertThat(l.certificates().get(0).key()).isEqualTo(certs.resolve("a-site.key"));
        assertThat(l.defaultCertificate()).isEqualTo("b-site");
    }

    @Test
    void ok_manyPairsComeInNameOrderWithTheirOwnFilesAndStrayFilesAreIgnored() throws Exception {
        // Listing order is the file system's; loading order (and so tie-breaks in the index) must not be.
        java.util.List<String> expected = new java.util.ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            String name = "n" + random.nextInt(1_000_000) + "-" + i;
            String chain = name + (i % 3 == 0 ? ".crt" : ".pem");
            Files.writeString(certs.resolve(chain), "not read by the config loader");
            Files.writeString(certs.resolve(name + ".key"), "not read by the config loader");
            expected.add(name);
        }
        Files.writeString(certs.resolve("README.txt"), "stray");
        Files.writeString(certs.resolve("orphan.key"), "a key without a chain is not a certificate");
        java.util.Collections.sort(expected);
        ProxyConfig.Listener l = ConfigLoader.load(config(expected.get(0))).listeners().get(0);
        assertThat(l.certificates()).extracting(ProxyConfig.Certificate::name).containsExactlyElementsOf(expected);
        for (ProxyConfig.Certificate c : l.certificates()) {
            assertThat(c.chain().getFileName().toString()).startsWith(c.name() + ".");
            assertThat(c.key()).isEqualTo(certs.resolve(c.name() + ".key"));
        }
    }

    private static boolean served(ProxyRig rig, String name) {
        return rig.app.runtime().certificates().stream().anyMatch(c -> c.source().endsWith(name + ".pem"));
    }

    @Test
    void fail_chainWithoutItsKey() throws Exception {
        TestPki.Files2 a = pki.ecdsa("lonely", "lonely.test");
        Files.delete(a.key());
        assertThatThrownBy(() -> ConfigLoader.load(config(null))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners[0].certificate-directories[0]")
                .hasMessageContaining(a.chain().toString()).hasMessageContaining("no key beside it");
    }

    @Test
    void fail_notADirectory() throws Exception {
        Path cfg = ProxyRig.writeConfig(dir, "certificate-directories: [nowhere]\naction: {fixed-response: {}}\n",
                null);
        assertThatThrownBy(() -> ConfigLoader.load(cfg)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("nowhere: not a directory");
    }

    @Test
    void ok_aPairDroppedIntoTheDirectoryIsServedAfterTheFileWatchReloads() throws Exception {
        pki.ecdsa("first", "first.test");
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(pki.ca().getCertificate()).build();
        try (ProxyRig rig = new ProxyRig(config("first"), 100); NettyTlsClient tls = new NettyTlsClient()) {
            assertThat(tls.handshake(client, rig.port(), "first.test").subjectCn()).isEqualTo("first");
            long version = rig.app.runtime().snapshots().current().version();
            // Written elsewhere and moved in, key first, as a careful deploy tool does.
            Path staging = Files.createDirectories(dir.resolve("staging"));
            TestPki.Files2 second = new TestPki(staging).ecdsa("second", "second.test");
            Files.move(second.key(), certs.resolve("second.key"));
            Files.move(second.chain(), certs.resolve("second.pem"));
            // The two moves may land in one reload or two; wait until the new name is in the index.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!served(rig, "second") && System.nanoTime() < deadline) {
                version = rig.app.runtime().awaitVersionAbove(version, Duration.ofSeconds(5));
            }
            assertThat(served(rig, "second")).isTrue();
            SslContext trustSecond = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                    .trustManager(second.bundle().getRootCertificate()).build();
            NettyTlsClient.Outcome o = tls.handshake(trustSecond, rig.port(), "second.test");
            assertThat(o.succeeded()).as(String.valueOf(o.cause())).isTrue();
            assertThat(o.subjectCn()).isEqualTo("second");
        }
    }
}
