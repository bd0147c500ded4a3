package dev.terminus.proxy.http;

import dev.terminus.proxy.testing.ProxyRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How an HTTP/1.1 connection ends after {@code Connection: close}: at once when the request is
 * complete with its head, lingering (reading and dropping) only while the client may still send a
 * body it declared. Observed from a raw socket: bytes sent to a closed socket draw a reset, bytes
 * sent to a lingering one are read and dropped.
 */
class ConnectionCloseTest {
    @TempDir
    Path dir;
    ProxyRig rig;
    int port;

    @BeforeEach
    void start() throws Exception {
        rig = ProxyRig.plainFixedResponse(dir, null);
        port = rig.port("http");
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void bodilessRequestClosesAtOnceWithoutLingering() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(
                    "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(socket.getInputStream())).startsWith("HTTP/1.1 200 OK\r\n").endsWith("ok\n");
            // Shorter than the linger (2 s): a lingering proxy would leave this read waiting.
            socket.setSoTimeout((int) LingeringClose.LINGER_MILLIS / 2);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 64; i++) {
                    socket.getOutputStream().write(new byte[1024]);
                    socket.getInputStream().read();
                }
            }).isInstanceOf(SocketException.class).hasMessageMatching("(?i).*(reset|broken pipe).*");
        }
    }

    @Test
    void declaredBodyAnsweredEarlyIsReadAndDroppedBeforeTheClose() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                    + "Content-Length: 65536\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // The fixed response answers the head; its end (FIN) comes before the body is sent.
            assertThat(readToEnd(socket.getInputStream())).startsWith("HTTP/1.1 200 OK\r\n").endsWith("ok\n");
            socket.getOutputStream().write(new byte[65536]);
            socket.shutdownOutput();
            // Lingering: the body is drained, then the proxy closes when the client is done. No reset.
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n; out.size() < 1 << 20 && (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
