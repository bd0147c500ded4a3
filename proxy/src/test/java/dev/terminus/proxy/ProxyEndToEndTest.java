package dev.terminus.proxy;

import com.sun.net.httpserver.HttpServer;
import dev.terminus.proxy.testing.Commands;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole proxy from a YAML file, driven by the real curl: TLS, ALPN, forwarding, admin. */
class ProxyEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void fixedResponseOverHttp2AndHttp11() throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Files2 ec = pki.ecdsa("site-ec", "site.test", "*.site.test");
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir,
                ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, ec), null))) {
            Commands.Result h2 = rig.curl(pki, "site.test", "/", "-w", "|%{http_version}|%{http_code}");
            assertThat(h2.output()).isEqualTo("hello\n|2|200");
            Commands.Result h1 = rig.curl(pki, "www.site.test", "/a?b=c", "--http1.1", "-w",
                    "|%{http_version}|%{http_code}");
            assertThat(h1.output()).isEqualTo("hello\n|1.1|200");
        }
    }

    @Test
    void forwardsToBackendWithForwardedHeaders() throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            StringBuilder b = new StringBuilder();
            b.append("host=").append(exchange.getRequestHeaders().getFirst("Host")).append('\n');
            b.append("xff=").append(exchange.getRequestHeaders().getFirst("X-Forwarded-For")).append('\n');
            b.append("proto=").append(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto")).append('\n');
            b.append("port=").append(exchange.getRequestHeaders().getFirst("X-Forwarded-Port")).append('\n');
            b.append("path=").append(exchange.getRequestURI()).append('\n');
            byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        try {
            TestPki pki = new TestPki(dir);
            TestPki.Files2 ec = pki.ecdsa("api-ec", "api.test");
            String listener = ProxyRig.certificates("TLS13-1-2-2021-06", false, ec)
                    + "action:\n  forward:\n    host: 127.0.0.1\n    port: " + backend.getAddress().getPort() + "\n";
            try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir, listener, null))) {
                for (String version : new String[] {"--http1.1", "--http2"}) {
                    Commands.Result r = rig.curl(pki, "api.test", "/v1/items?x=1", version);
                    assertThat(r.output()).as(version)
                            .contains("host=api.test:" + rig.port())
                            .contains("xff=127.0.0.1")
                            .contains("proto=https")
                            .contains("port=" + rig.port())
                            .contains("path=/v1/items?x=1");
                }
            }
        } finally {
            backend.stop(0);
        }
    }

    @Test
    void adminShowsCertificatesAndMetricsButNoKeys() throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Files2 ec = pki.ecdsa("inv-ec", "inv.test");
        TestPki.Files2 rsa = pki.rsa("inv-rsa", "inv.test");
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir,
                ProxyRig.fixedResponse("TLS13-1-2-2021-06", true, ec, rsa), null))) {
            assertThat(rig.curl(pki, "inv.test", "/").output()).isEqualTo("hello\n");

            HttpResponse<String> certs = rig.admin("/certificates");
            assertThat(certs.statusCode()).isEqualTo(200);
            assertThat(certs.body()).contains("\"inv.test\"", ec.serialHex(), rsa.serialHex(), "EC_prime256v1",
                    "RSA_2048", ec.chain().toString()).doesNotContain("PRIVATE");

            HttpResponse<String> ready = rig.admin("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("openssl");

            String metrics = rig.admin("/metrics").body();
            assertThat(metrics)
                    .containsPattern("terminus_tls_handshakes_total\\{.*cipher=\"TLS_AES_\\w+\".*protocol=\"TLSv1.3\""
                            + ".*result=\"success\".*sni=\"exact\"")
                    .contains("terminus_tls_handshake_duration_seconds_count")
                    .contains("terminus_connections_active")
                    .containsPattern("terminus_certificate_expiry_seconds\\{certificate=\"inv-ec\"")
                    .contains("terminus_reloads_total{result=\"failure\"}")
                    .contains("terminus_tls_fallback 0.0");
        }
    }
}
