package dev.terminus.proxy.balancing;

import dev.terminus.proxy.testing.Commands;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.terminus.proxy.balancing.LbRig.HOST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTPS target groups through the whole proxy with real curl: the proxy verifies each backend's
 * certificate against the group's trust bundle and name, answers 502 upstream-tls-failed when
 * that fails, and health-checks over TLS too.
 */
class HttpsTargetTest {
    private static final String CHECK_OFF = "health-check: { enabled: false }\n";
    private static final String CHECK_ON = "health-check: { path: /health, interval: 500ms, timeout: 500ms, "
            + "healthy-threshold: 2, unhealthy-threshold: 2 }\n";

    @TempDir
    Path dir;
    TestPki pki;
    TestPki.Files2 listenerCert;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void pki() throws Exception {
        pki = new TestPki(dir);
        listenerCert = pki.ecdsa("lb", HOST);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** Starts an HTTPS backend whose certificate {@code issuer} signed for {@code names}. */
    private Backend httpsBackend(String name, TestPki issuer, String... names) throws Exception {
        TestPki.Files2 cert = issuer.ecdsa("backend-" + name, names);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(cert.bundle().toKeyManagerFactory().getKeyManagers(), null, null);
        Backend b = new Backend(name, tls);
        closing.add(b);
        return b;
    }

    private TestPki otherCa() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other-ca"));
        return new TestPki(other);
    }

    /**
     * An HTTPS group of {@code backends}; {@code tls} is the body of its {@code tls} mapping. Checks
     * get more time than LbRig's 100 ms: a full TLS handshake with the JDK's server on a busy
     * machine can take longer, and a slow good target must not be ejected.
     */
    private static String httpsGroup(String tls, String check, Backend... backends) {
        StringBuilder b = new StringBuilder("  - name: g\n    protocol: HTTPS\n    tls: { ").append(tls)
                .append(" }\n    targets:\n");
        for (Backend backend : backends) {
            b.append("      - { host: 127.0.0.1, port: ").append(backend.port()).append(" }\n");
        }
        return b.append("    ").append(check.isEmpty() ? CHECK_ON : check).toString();
    }

    private ProxyRig start(String groups) throws Exception {
        ProxyRig rig = new ProxyRig(LbRig.write(dir, groups, LbRig.tlsListener("https", listenerCert,
                "default-action: { forward: { target-group: g } }")), 60_000);
        closing.add(rig);
        return rig;
    }

    private Commands.Result get(ProxyRig rig, int count) throws Exception {
        return LbRig.curl(rig, pki, "/", count, "-w", "%{http_code} %header{x-terminus-error}\n");
    }

    @Test
    void ok_certificateFromTheTrustBundleForTheServerName() throws Exception {
        Backend a = httpsBackend("a", pki, "backend.test");
        // The trust bundle path is relative to the configuration file.
        ProxyRig rig = start(httpsGroup("trust-bundle: ca.pem, server-name: backend.test", "", a));

        Commands.Result r = get(rig, 3);
        assertThat(r.output()).isEqualTo("a\n200 \na\n200 \na\n200 \n");
        // The health check spoke TLS as well: a plain GET to this port would have failed it.
        TargetState state = rig.app.runtime().targetGroups().target("g", "127.0.0.1", a.port());
        assertThat(a.healthChecks.get()).isPositive();
        assertThat(state.healthy()).isTrue();
    }

    @Test
    void ok_serverNameDefaultsToTheTargetHost() throws Exception {
        Backend a = httpsBackend("a", pki, "localhost");
        String group = "  - name: g\n    targets: [{ host: localhost, port: " + a.port() + " }]\n"
                + "    protocol: HTTPS\n    tls: { trust-bundle: " + pki.caFile() + " }\n    " + CHECK_OFF;
        ProxyRig rig = start(group);

        assertThat(get(rig, 1).output()).isEqualTo("a\n200 \n");
    }

    @Test
    void fail_certificateFromAnotherCaGets502TlsFailed() throws Exception {
        Backend a = httpsBackend("a", otherCa(), "backend.test");
        ProxyRig rig = start(httpsGroup("trust-bundle: ca.pem, server-name: backend.test", CHECK_OFF, a));

        Commands.Result r = get(rig, 1);
        assertThat(r.output()).isEqualTo("502 Bad Gateway: the TLS handshake with the backend failed\n"
                + "502 upstream-tls-failed\n");
        assertThat(a.requests.get()).isZero();
    }

    @Test
    void ok_theFileWatchReloadsAChangedTrustBundle() throws Exception {
        TestPki other = otherCa();
        Backend a = httpsBackend("a", other, "backend.test");
        // In a directory of its own, which nothing else in the configuration names.
        Path bundle = Files.createDirectories(dir.resolve("trust")).resolve("bundle.pem");
        Files.copy(pki.caFile(), bundle);
        ProxyRig rig = new ProxyRig(LbRig.write(dir, httpsGroup("trust-bundle: " + bundle + ", server-name: backend.test",
                CHECK_OFF, a), LbRig.tlsListener("https", listenerCert,
                "default-action: { forward: { target-group: g } }")), 100);
        closing.add(rig);
        assertThat(get(rig, 1).output()).endsWith("502 upstream-tls-failed\n");

        long version = rig.app.runtime().snapshots().current().version();
        Path next = bundle.resolveSibling("bundle.pem.new");
        Files.copy(other.caFile(), next);
        Files.move(next, bundle, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        assertThat(rig.app.runtime().awaitVersionAbove(version, Duration.ofSeconds(20))).isGreaterThan(version);
        assertThat(get(rig, 1).output()).isEqualTo("a\n200 \n");
    }

    @Test
    void fail_nameMismatchGets502TlsFailed() throws Exception {
        Backend a = httpsBackend("a", pki, "backend.test");
        ProxyRig rig = start(httpsGroup("trust-bundle: ca.pem, server-name: other.test", CHECK_OFF, a));

        assertThat(get(rig, 1).output()).endsWith("502 upstream-tls-failed\n");
        assertThat(a.requests.get()).isZero();
    }

    @Test
    void ok_verifyFalseAcceptsAnyCertificate() throws Exception {
        Backend a = httpsBackend("a", otherCa(), "backend.test");
        ProxyRig rig = start(httpsGroup("trust-bundle: ca.pem, server-name: other.test, verify: false", CHECK_OFF, a));

        assertThat(get(rig, 1).output()).isEqualTo("a\n200 \n");
    }

    @Test
    void healthCheckOverTlsEjectsTheTargetItCannotVerifyAndKeepsTheOther() throws Exception {
        Backend good = httpsBackend("good", pki, "backend.test");
        Backend bad = httpsBackend("bad", otherCa(), "backend.test");
        ProxyRig rig = start(httpsGroup("trust-bundle: ca.pem, server-name: backend.test", "", good, bad));
        TargetState goodState = rig.app.runtime().targetGroups().target("g", "127.0.0.1", good.port());
        TargetState badState = rig.app.runtime().targetGroups().target("g", "127.0.0.1", bad.port());

        assertThat(badState.awaitHealthy(false, Duration.ofSeconds(10))).as("bad ejected").isFalse();
        assertThat(goodState.healthy()).isTrue();
        assertThat(good.healthChecks.get()).isPositive();
        // Its TLS handshake fails before any request: the backend never sees a health check.
        assertThat(bad.healthChecks.get()).isZero();
        assertThat(get(rig, 6).output()).isEqualTo("good\n200 \n".repeat(6));
    }

    @Test
    void reloadWithAMissingTrustBundleIsRefusedAndTheGroupKeepsServing() throws Exception {
        Backend a = httpsBackend("a", pki, "backend.test");
        Files.copy(pki.caFile(), dir.resolve("bundle.pem"));
        ProxyRig rig = start(httpsGroup("trust-bundle: bundle.pem, server-name: backend.test", CHECK_OFF, a));
        assertThat(get(rig, 1).output()).isEqualTo("a\n200 \n");

        Files.delete(dir.resolve("bundle.pem"));
        HttpResponse<String> reload = rig.adminPost("/admin/reload");
        assertThat(reload.statusCode()).isEqualTo(422);
        assertThat(reload.body()).contains("target-groups[0].tls.trust-bundle", "bundle.pem", "no such file");
        assertThat(get(rig, 1).output()).isEqualTo("a\n200 \n");
    }
}
