package dev.terminus.proxy.http;

import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import dev.terminus.proxy.testing.WebSockets;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket through the proxy over TLS: Netty's own client and server (RFC 6455) on either side,
 * frames echoed both ways, a long exchange, and the close handshake. The proxy relays the 101
 * and then bytes, so anything the two ends agree on passes.
 */
class WebSocketProxyTest {
    private static final String HOST = "terminus.test";

    @TempDir
    Path dir;

    @Test
    void echoesThroughAPlainForward() throws Exception {
        X509Bundle cert = TestServers.selfSigned(HOST);
        SslContext server = TestServers.alpnServerContext(cert);
        SslContext client = SslContextBuilder.forClient().trustManager(cert.getCertificate()).build();
        try (WebSockets.Server backend = WebSockets.echoServer(); TestServers servers = new TestServers()) {
            Routes routes = request -> new RouteAction.Forward("127.0.0.1", backend.port());
            int port = servers.tlsProxy(TestServers.Transport.NIO, server, routes, HttpLimits.defaults()).getPort();

            try (WebSockets.Client ws = new WebSockets.Client(client, HOST, port, "/ws")) {
                exchange(ws);
            }
            // The tunnel's backend connection closed with it; a second session gets a new one.
            try (WebSockets.Client ws = new WebSockets.Client(client, HOST, port, "/ws")) {
                ws.sendText("again");
                assertThat(ws.next().textPayload()).isEqualTo("again");
            }
        }
    }

    @ParameterizedTest(name = "targets over {0}")
    @ValueSource(strings = {"HTTP", "HTTPS"})
    void echoesThroughATargetGroup(String protocol) throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Files2 cert = pki.ecdsa("lb", HOST);
        SslContext backendTls = null;
        String groupTls = "";
        if (protocol.equals("HTTPS")) {
            TestPki.Files2 backendCert = pki.ecdsa("backend", "backend.test");
            backendTls = SslContextBuilder.forServer(backendCert.bundle().getKeyPair().getPrivate(),
                    backendCert.bundle().getCertificatePath()).build();
            groupTls = "    protocol: HTTPS\n    tls: { trust-bundle: ca.pem, server-name: backend.test }\n";
        }
        try (WebSockets.Server backend = WebSockets.echoServer(backendTls)) {
            String yaml = "admin:\n  port: 0\ntarget-groups:\n  - name: ws\n    targets: [{ host: 127.0.0.1, port: "
                    + backend.port() + " }]\n    health-check: { path: /health, interval: 200ms, timeout: 200ms }\n"
                    + groupTls
                    + "listeners:\n  - name: https\n    port: 0\n    certificates: [{ name: lb, chain: " + cert.chain()
                    + ", key: " + cert.key() + " }]\n    default-action: { forward: { target-group: ws } }\n";
            Path config = dir.resolve("proxy.yaml");
            Files.writeString(config, yaml);
            SslContext client = SslContextBuilder.forClient().trustManager(pki.caFile().toFile()).build();
            try (ProxyRig rig = new ProxyRig(config, 60_000);
                 WebSockets.Client ws = new WebSockets.Client(client, HOST, rig.port(), "/ws")) {
                exchange(ws);
                assertThat(rig.count("terminus.target.requests", "target_group", "ws", "status_class", "1xx"))
                        .isEqualTo(1.0);
            }
        }
    }

    /** Text, one large binary frame, 1,000 mixed frames in flight at once, then the close handshake. */
    private static void exchange(WebSockets.Client ws) throws Exception {
        ws.sendText("hello");
        WebSockets.Received hello = ws.next();
        assertThat(hello.text()).isTrue();
        assertThat(hello.textPayload()).isEqualTo("hello");

        byte[] big = new byte[512 * 1024];
        new SplittableRandom(7).nextBytes(big);
        ws.sendBinary(big);
        WebSockets.Received echoed = ws.next();
        assertThat(echoed.text()).isFalse();
        assertThat(echoed.payload()).isEqualTo(big);

        int n = 1_000;
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                ws.sendText("message " + i);
            } else {
                ws.sendBinary(("binary " + i).getBytes(StandardCharsets.US_ASCII));
            }
        }
        for (int i = 0; i < n; i++) {
            WebSockets.Received r = ws.next();
            assertThat(r.text()).as("frame %d", i).isEqualTo(i % 2 == 0);
            assertThat(new String(r.payload(), StandardCharsets.US_ASCII))
                    .isEqualTo((i % 2 == 0 ? "message " : "binary ") + i);
        }

        ws.sendClose(1000, "bye");
        WebSockets.Received close = ws.next();
        assertThat(close.closeStatus()).isEqualTo(1000);
        // The backend closes after the close handshake (RFC 6455 7.1.1); the proxy passes that on.
        assertThat(ws.awaitClosed()).isTrue();
    }
}
