package dev.terminus.proxy.cli;

import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each kind of bad input at start: the proxy exits 1 with one line that names the file or key
 * and what is wrong, and binds nothing.
 */
class BadInputTest {
    @TempDir
    Path dir;
    TestPki pki;
    TestPki.Files2 good;

    @BeforeEach
    void pki() throws Exception {
        pki = new TestPki(dir);
        good = pki.ecdsa("good", "good.test");
    }

    record Outcome(int code, String err) {
    }

    private Outcome run(String... args) {
        StringWriter err = new StringWriter();
        int code = ProxyMain.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        return new Outcome(code, err.toString());
    }

    private Outcome start(String listenerBody, String limits) throws Exception {
        return run("--config", ProxyRig.writeConfig(dir, listenerBody, limits).toString());
    }

    private Outcome startWith(TestPki.Files2 cert) throws Exception {
        return start(ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, cert), null);
    }

    private static void assertOneLine(Outcome o, String... fragments) {
        assertThat(o.code()).as(o.err()).isEqualTo(1);
        assertThat(o.err().strip().lines().count()).as(o.err()).isEqualTo(1);
        assertThat(o.err()).startsWith("terminus proxy: ").contains(fragments);
    }

    @Test
    void fail_missingConfigFile() {
        Outcome o = run("--config", dir.resolve("nope.yaml").toString());
        assertOneLine(o, "nope.yaml", "no such file");
    }

    @Test
    void fail_missingCertificateFile() throws Exception {
        Files.delete(good.chain());
        assertOneLine(startWith(good), good.chain().toString(), "no such file");
    }

    @Test
    void fail_unreadableCertificateFile() throws Exception {
        // Tests run as root in CI, where file modes do not stop reads; a directory cannot be read as a file.
        Files.delete(good.key());
        Files.createDirectory(good.key());
        assertOneLine(startWith(good), good.key().toString(), "cannot read private key");
    }

    @Test
    void fail_malformedPem() throws Exception {
        Files.writeString(good.chain(), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertOneLine(startWith(good), good.chain().toString(), "malformed PEM");
    }

    @Test
    void fail_noPemAtAll() throws Exception {
        Files.writeString(good.chain(), "hello\n");
        assertOneLine(startWith(good), good.chain().toString(), "no certificate found");
    }

    @Test
    void fail_keyDoesNotMatchCertificate() throws Exception {
        TestPki.Files2 other = pki.ecdsa("other", "other.test");
        Files.copy(other.key(), good.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertOneLine(startWith(good), good.key().toString(), "does not match");
    }

    @Test
    void fail_expiredCertificate() throws Exception {
        Instant now = Instant.now();
        TestPki.Files2 expired = pki.issue("old", false, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)),
                "old.test");
        assertOneLine(startWith(expired), expired.chain().toString(), "expired on");
    }

    @Test
    void fail_notYetValidCertificate() throws Exception {
        Instant now = Instant.now();
        TestPki.Files2 future = pki.issue("future", false, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)),
                "future.test");
        assertOneLine(startWith(future), future.chain().toString(), "not valid before");
    }

    @Test
    void fail_encryptedKey() throws Exception {
        Files.writeString(good.key(), "-----BEGIN ENCRYPTED PRIVATE" + " KEY-----\n"
                + "MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhZ3m6k0z2pQwICCAAw\n"
                + "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEJ8Jp0s4n3X6Yk5x8n0G0e8EQPdH\n"
                + "ZmN8Wnq6o8J7o0Pp6x1H1bQ3dV1s4h2rB2m0Wc2gkq3s5l4x0H3c1o8e0x6v5o5k\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n");
        assertOneLine(startWith(good), good.key().toString());
    }

    @Test
    void fail_unknownPolicy() throws Exception {
        Outcome o = start(ProxyRig.fixedResponse("TLS-1-0-2015-04", false, good), null);
        assertOneLine(o, "proxy.yaml", "listeners[0].policy", "TLS-1-0-2015-04", "TLS13-1-2-2021-06");
    }

    @Test
    void fail_unknownKeyIsATypo() throws Exception {
        Outcome o = start(ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, good) + "strict_sni: true\n", null);
        assertOneLine(o, "proxy.yaml", "listeners[0].strict_sni", "unknown key", "strict-sni");
    }

    @Test
    void fail_badDuration() throws Exception {
        Outcome o = start(ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, good), "handshake-timeout: soon\n");
        assertOneLine(o, "proxy.yaml", "limits.handshake-timeout", "'soon'");
    }

    @Test
    void fail_listenerPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String body = ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, good);
            Path cfg = ProxyRig.writeConfig(dir, body, null);
            Files.writeString(cfg, Files.readString(cfg).replace("    port: 0\n", "    port: " + taken.getLocalPort() + "\n"));
            Outcome o = run("--config", cfg.toString());
            assertOneLine(o, "listener 'https'", "127.0.0.1:" + taken.getLocalPort(), "address already in use");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a start that succeeds never returns
    void fail_listenerPortHeldByAnotherReusePortGroup() throws Exception {
        // Another proxy (same user) listening with SO_REUSEPORT: joining its group would split
        // connections between two processes without a word, so the start must fail instead.
        try (ServerSocketChannel other = ServerSocketChannel.open()) {
            other.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) other.getLocalAddress()).getPort();
            Path cfg = ProxyRig.writeConfig(dir, ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, good), null);
            Files.writeString(cfg, Files.readString(cfg).replace("    port: 0\n", "    port: " + port + "\n"));
            Outcome o = run("--config", cfg.toString());
            assertOneLine(o, "listener 'https'", "127.0.0.1:" + port, "in use");
        }
    }

    @Test
    void fail_adminPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path cfg = ProxyRig.writeConfig(dir, ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, good), null);
            Files.writeString(cfg, Files.readString(cfg).replaceFirst("  port: 0\n", "  port: " + taken.getLocalPort() + "\n"));
            Outcome o = run("--config", cfg.toString());
            assertOneLine(o, "admin", "127.0.0.1:" + taken.getLocalPort(), "in use");
        }
    }

    @Test
    void ok_checkValidatesWithoutBinding() throws Exception {
        Path cfg = ProxyRig.writeConfig(dir, ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, good), null);
        Outcome o = run("--config", cfg.toString(), "--check");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("OK");
    }

    @Test
    void fail_unknownOptionIsBadUsage() {
        Outcome o = run("--confg", "x.yaml");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--confg");
    }
}
