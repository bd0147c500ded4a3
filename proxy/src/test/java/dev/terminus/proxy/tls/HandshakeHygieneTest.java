package dev.terminus.proxy.tls;

import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.testing.TestPki;
import dev.terminus.proxy.testing.TlsRig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Handshake timeout, ClientHello size bound, connection cap and non-TLS bytes: each refused and counted. */
class HandshakeHygieneTest {
    @TempDir
    Path dir;
    TestPki pki;
    TestPki.Files2 cert;

    @BeforeEach
    void pki() throws Exception {
        pki = new TestPki(dir);
        cert = pki.ecdsa("hyg", "hyg.test");
    }

    private TlsRig rig(int maxConnections, Duration handshakeTimeout, int maxClientHello) throws Exception {
        return new TlsRig(TlsRig.config(new ProxyConfig.Limits(maxConnections, handshakeTimeout, maxClientHello),
                "TLS13-1-2-2021-06", false, cert), TlsProvider.detect(false));
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Returns true when the server closed the connection (read sees end of stream or a reset). */
    private static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // drain whatever the server sent before closing
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    @Test
    void silentClientIsClosedAtTheHandshakeTimeout() throws Exception {
        try (TlsRig rig = rig(100, Duration.ofMillis(300), 16_384); Socket s = connect(rig.port("https"))) {
            long t0 = System.nanoTime();
            assertThat(closedByServer(s)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(9));
            assertThat(rig.count("terminus.connections.refused", "reason", "handshake_timeout")).isEqualTo(1);
        }
    }

    @Test
    void partialClientHelloIsClosedAtTheHandshakeTimeout() throws Exception {
        try (TlsRig rig = rig(100, Duration.ofMillis(300), 16_384); Socket s = connect(rig.port("https"))) {
            // A TLS handshake record header announcing 200 bytes, then nothing.
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 200, 0x01, 0x00, 0x00, (byte) 196});
            assertThat(closedByServer(s)).isTrue();
            assertThat(rig.count("terminus.connections.refused", "reason", "handshake_timeout")).isEqualTo(1);
        }
    }

    @Test
    void oversizedClientHelloIsRefused() throws Exception {
        try (TlsRig rig = rig(100, Duration.ofSeconds(10), 512); Socket s = connect(rig.port("https"))) {
            // A whole 16 KiB record carrying a ClientHello that claims 12,288 bytes: over the 512-byte bound.
            byte[] record = new byte[5 + 16_384];
            byte[] head = {0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x30, 0x00};
            System.arraycopy(head, 0, record, 0, head.length);
            s.getOutputStream().write(record);
            assertThat(closedByServer(s)).isTrue();
            assertThat(rig.count("terminus.connections.refused", "reason", "client_hello_too_large")).isEqualTo(1);
        }
    }

    @Test
    void plainHttpOnTheTlsPortIsRefused() throws Exception {
        try (TlsRig rig = rig(100, Duration.ofSeconds(10), 16_384); Socket s = connect(rig.port("https"))) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: hyg.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(closedByServer(s)).isTrue();
            assertThat(rig.count("terminus.connections.refused", "reason", "not_tls")).isEqualTo(1);
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAtAccept() throws Exception {
        try (TlsRig rig = rig(2, Duration.ofSeconds(10), 16_384)) {
            SSLContext jdk = SSLContext.getInstance("TLS");
            jdk.init(null, pki.ca().toTrustManagerFactory().getTrustManagers(), null);
            try (SSLSocket a = handshake(jdk, rig.port("https")); SSLSocket b = handshake(jdk, rig.port("https"));
                 Socket third = connect(rig.port("https"))) {
                // a and b finished handshakes, so the server counts both as active before the third arrives.
                assertThat(closedByServer(third)).isTrue();
                assertThat(rig.count("terminus.connections.refused", "reason", "max_connections")).isEqualTo(1);
                assertThat(a.isClosed()).isFalse();
                assertThat(b.isClosed()).isFalse();
            }
        }
    }

    private static SSLSocket handshake(SSLContext ctx, int port) throws Exception {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        var params = s.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName("hyg.test")));
        s.setSSLParameters(params);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }
}
