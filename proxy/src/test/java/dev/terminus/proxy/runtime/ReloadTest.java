package dev.terminus.proxy.runtime;

import dev.terminus.proxy.admin.AdminBackend;
import dev.terminus.proxy.testing.NettyTlsClient;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Hot reload: swapped whole under load, bad files refused with the old set serving, file watch. */
class ReloadTest {
    @TempDir
    Path dir;
    TestPki pki;
    TestPki.Files2 live;
    SslContext client;

    @BeforeEach
    void pki() throws Exception {
        pki = new TestPki(dir);
        live = pki.ecdsa("rot-0", "rot.test");
        client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(pki.ca().getCertificate()).build();
    }

    @Test
    void hundredSwapsUnderContinuousHandshakesLoseNoHandshake() throws Exception {
        TestPki.Files2 a = pki.ecdsa("rot-a", "rot.test");
        TestPki.Files2 b = pki.rsa("rot-b", "rot.test");
        // A long quiet period keeps the file watch out of it: this test counts its own reloads.
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir,
                ProxyRig.fixedResponse("TLS13-1-2-2021-06", true, live), null), 60_000);
             NettyTlsClient tls = new NettyTlsClient()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            List<String> failures = new ArrayList<>();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                // Bounded in count and time, whatever happens to the swaps.
                for (int i = 0; i < 50_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                    try {
                        NettyTlsClient.Outcome o = tls.handshake(client, rig.port(), "rot.test");
                        if (o.succeeded()) {
                            ok.incrementAndGet();
                        } else {
                            synchronized (failures) {
                                failures.add(String.valueOf(o.cause()));
                            }
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            int before = ok.get();
            for (int i = 0; i < 100; i++) {
                live.replaceWith(i % 2 == 0 ? a : b);
                AdminBackend.ReloadResult r = rig.app.runtime().reload();
                assertThat(r.ok()).as(r.message()).isTrue();
            }
            int during = ok.get() - before;
            System.out.printf("reload test: %d handshakes completed during 100 swaps%n", during);
            stop.set(true);
            load.join();
            assertThat(failures).isEmpty();
            assertThat(during).as("handshakes completed while swapping").isPositive();
            assertThat(rig.count("terminus.reloads", "result", "success")).isEqualTo(100);
            // The 100th swap (i = 99) installed b: the new certificate is served afterwards.
            assertThat(tls.handshake(client, rig.port(), "rot.test").subjectCn()).isEqualTo("rot-b");
        }
    }

    @Test
    void badFileAtReloadKeepsThePreviousSetServing() throws Exception {
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir,
                ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, live), null), 60_000);
             NettyTlsClient tls = new NettyTlsClient()) {
            Files.writeString(live.chain(), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
            HttpResponse<String> r = rig.adminPost("/admin/reload");
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).contains(live.chain().toString()).contains("malformed PEM");
            assertThat(rig.count("terminus.reloads", "result", "failure")).isEqualTo(1);
            assertThat(tls.handshake(client, rig.port(), "rot.test").subjectCn()).isEqualTo("rot-0");

            TestPki.Files2 other = pki.rsa("other", "other.test");
            Files.copy(other.key(), live.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(pki.ecdsa("rot-1", "rot.test").chain(), live.chain(),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            r = rig.adminPost("/admin/reload");
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).contains(live.key().toString()).contains("does not match");
            assertThat(tls.handshake(client, rig.port(), "rot.test").subjectCn()).isEqualTo("rot-0");
        }
    }

    @Test
    void fileWatchReloadsChangedCertificates() throws Exception {
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir,
                ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, live), null), 100);
             NettyTlsClient tls = new NettyTlsClient()) {
            long version = rig.app.runtime().snapshots().current().version();
            live.replaceWith(pki.ecdsa("rot-new", "rot.test"));
            long now = rig.app.runtime().awaitVersionAbove(version, Duration.ofSeconds(20));
            assertThat(now).isGreaterThan(version);
            assertThat(tls.handshake(client, rig.port(), "rot.test").subjectCn()).isEqualTo("rot-new");
        }
    }

    @Test
    void fileWatchReloadsWhenACertificateDirectoryGainsAPair() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.Files2 first = pki.ecdsa("dir-first", "first.test");
        Files.move(first.chain(), certs.resolve("first.pem"));
        Files.move(first.key(), certs.resolve("first.key"));
        String body = "default-certificate: first\ncertificate-directories: [" + certs + "]\n"
                + "action:\n  fixed-response: {status: 200}\n";
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir, body, null), 100);
             NettyTlsClient tls = new NettyTlsClient()) {
            assertThat(tls.handshake(client, rig.port(), "first.test").subjectCn()).isEqualTo("dir-first");
            long version = rig.app.runtime().snapshots().current().version();
            // Key first, then the chain, each moved in whole, as a certificate tool writes a pair.
            TestPki.Files2 second = pki.ecdsa("dir-second", "second.test");
            Files.move(second.key(), certs.resolve("second.key"));
            Files.move(second.chain(), certs.resolve("second.pem"));
            assertThat(rig.app.runtime().awaitVersionAbove(version, Duration.ofSeconds(20))).isGreaterThan(version);
            assertThat(tls.handshake(client, rig.port(), "second.test").subjectCn()).isEqualTo("dir-second");
        }
    }

    @Test
    void fileWatchFollowsFilesWithNamesThatAreNotCertificateNames() throws Exception {
        // Kubernetes TLS secrets and some tools use names such as tls.chain and tls.secret.
        Path chain = dir.resolve("tls.chain");
        Path key = dir.resolve("tls.secret");
        Files.copy(live.chain(), chain);
        Files.copy(live.key(), key);
        TestPki.Files2 odd = new TestPki.Files2("odd", chain, key, live.bundle());
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir,
                ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, odd), null), 100);
             NettyTlsClient tls = new NettyTlsClient()) {
            long version = rig.app.runtime().snapshots().current().version();
            odd.replaceWith(pki.ecdsa("odd-new", "rot.test"));
            assertThat(rig.app.runtime().awaitVersionAbove(version, Duration.ofSeconds(20))).isGreaterThan(version);
            assertThat(tls.handshake(client, rig.port(), "rot.test").subjectCn()).isEqualTo("odd-new");
        }
    }

    @Test
    void connectionInFlightKeepsWorkingAcrossAReload() throws Exception {
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir,
                ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, live), null), 60_000)) {
            SSLContext jdk = SSLContext.getInstance("TLS");
            jdk.init(null, pki.ca().toTrustManagerFactory().getTrustManagers(), null);
            try (SSLSocket s = (SSLSocket) jdk.getSocketFactory().createSocket("127.0.0.1", rig.port())) {
                var params = s.getSSLParameters();
                params.setServerNames(List.of(new javax.net.ssl.SNIHostName("rot.test")));
                s.setSSLParameters(params);
                s.setSoTimeout(10_000);
                s.startHandshake();
                live.replaceWith(pki.ecdsa("rot-2", "rot.test"));
                assertThat(rig.app.runtime().reload().ok()).isTrue();
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: rot.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello\n");
            }
        }
    }
}
