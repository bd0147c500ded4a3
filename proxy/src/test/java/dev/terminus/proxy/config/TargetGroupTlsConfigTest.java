package dev.terminus.proxy.config;

import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code protocol} and {@code tls} of target groups: defaults, the trust bundle, one clear error per mistake. */
class TargetGroupTlsConfigTest {
    @TempDir
    Path dir;

    private ProxyConfig load(String groupKeys) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, "admin: { port: 0 }\ntarget-groups:\n  - name: web\n"
                + "    targets: [{ host: 127.0.0.1, port: 8443 }]\n" + groupKeys.stripTrailing().indent(4)
                + "listeners:\n  - { name: http, port: 0, protocol: HTTP, "
                + "default-action: { forward: { target-group: web } } }\n");
        return ConfigLoader.load(file);
    }

    private void assertRefused(String groupKeys, String... fragments) {
        assertThatThrownBy(() -> load(groupKeys)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("proxy.yaml").toString() + ": ")
                .hasMessageContainingAll(fragments);
    }

    @Test
    void ok_httpByDefault() throws Exception {
        TargetGroupConfig g = load("").targetGroup("web");
        assertThat(g.protocol()).isEqualTo(TargetGroupConfig.Protocol.HTTP);
        assertThat(g.tls()).isNull();
    }

    @Test
    void ok_httpsWithoutTlsKeysVerifiesAgainstTheDefaultTrustStore() throws Exception {
        TargetGroupConfig g = load("protocol: HTTPS").targetGroup("web");
        assertThat(g.protocol()).isEqualTo(TargetGroupConfig.Protocol.HTTPS);
        assertThat(g.tls()).isEqualTo(new TargetGroupConfig.Tls(null, java.util.List.of(), null, true));
    }

    @Test
    void ok_trustBundleRelativeToTheConfigFile() throws Exception {
        TestPki pki = new TestPki(dir);
        TargetGroupConfig g = load("protocol: https\ntls: { trust-bundle: ca.pem, server-name: Backend.Internal }")
                .targetGroup("web");
        assertThat(g.tls().trustBundle()).isEqualTo(pki.caFile().toAbsolutePath());
        assertThat(g.tls().trusted()).containsExactly(pki.ca().getCertificate());
        assertThat(g.tls().serverName()).isEqualTo("backend.internal");
        assertThat(g.tls().verify()).isTrue();
    }

    @Test
    void ok_verifyFalse() throws Exception {
        assertThat(load("protocol: HTTPS\ntls: { verify: false }").targetGroup("web").tls().verify()).isFalse();
    }

    @Test
    void fail_missingTrustBundle() {
        assertRefused("protocol: HTTPS\ntls: { trust-bundle: nope.pem }",
                "target-groups[0].tls.trust-bundle", dir.resolve("nope.pem").toString(), "no such file",
                "a PEM file of CA certificates");
    }

    @Test
    void fail_trustBundleWithoutCertificates() throws Exception {
        Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertRefused("protocol: HTTPS\ntls: { trust-bundle: empty.pem }",
                "target-groups[0].tls.trust-bundle", "empty.pem");
    }

    @Test
    void fail_trustBundleWithABrokenCertificate() throws Exception {
        Files.writeString(dir.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertRefused("protocol: HTTPS\ntls: { trust-bundle: broken.pem }",
                "target-groups[0].tls.trust-bundle", "broken.pem", "malformed");
    }

    @Test
    void fail_tlsKeysOnAnHttpGroup() {
        assertRefused("tls: { verify: false }", "target-groups[0].tls", "only with protocol: HTTPS");
    }

    @Test
    void fail_unknownProtocol() {
        assertRefused("protocol: h2c", "target-groups[0].protocol", "'h2c'", "HTTP or HTTPS");
    }

    @Test
    void fail_unknownTlsKey() {
        assertRefused("protocol: HTTPS\ntls: { ca: ca.pem }", "target-groups[0].tls.ca", "unknown key", "trust-bundle");
    }

    @Test
    void fail_badServerName() {
        assertRefused("protocol: HTTPS\ntls: { server-name: 'a b' }", "target-groups[0].tls.server-name", "'a b'");
    }

    @Test
    void fail_verifyNotABoolean() {
        assertRefused("protocol: HTTPS\ntls: { verify: maybe }", "target-groups[0].tls.verify", "true or false");
    }
}
