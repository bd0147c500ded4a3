package dev.terminus.proxy.http;

import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.RawResponses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slowloris through the whole proxy, started from YAML with {@code request-header-timeout: 300ms}:
 * raw sockets that dribble a header block, send nothing, or idle between requests.
 */
class RequestHeaderTimeoutTest {
    private static final long TIMEOUT_MS = 300;
    /** How late the 408 may come: timers on a busy 2-core machine, not the proxy, set this bound. */
    private static final long SLACK_MS = 2_000;

    @TempDir
    Path dir;
    ProxyRig rig;
    int port;

    @BeforeEach
    void start() throws Exception {
        rig = ProxyRig.plainFixedResponse(dir, "request-header-timeout: 300ms, idle-timeout: 10s");
        port = rig.port("http");
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void dribblingClientGets408AndIsClosedAtTheTimeout() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            long start = System.nanoTime();
            String answer = dribble(socket, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ");
            long elapsed = millisSince(start);

            assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .containsIgnoringCase("x-terminus-error: request-header-timeout\r\n")
                    .containsIgnoringCase("connection: close\r\n")
                    .containsPattern("(?i)x-request-id: [0-9a-f]{32}\r\n")
                    .endsWith("408 Request Timeout: the request header was not received in time\n");
            assertThat(elapsed).isBetween(TIMEOUT_MS - 10, TIMEOUT_MS + SLACK_MS);
        }
        assertCounted("408", 1);
    }

    @Test
    void silentNewConnectionIsClosedWithoutAnAnswer() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            long start = System.nanoTime();
            socket.setSoTimeout((int) (TIMEOUT_MS + SLACK_MS));
            assertThat(socket.getInputStream().read()).as("end of stream, no response").isEqualTo(-1);
            assertThat(millisSince(start)).isBetween(TIMEOUT_MS - 10, TIMEOUT_MS + SLACK_MS);
        }
        assertCounted("closed", 1);
        assertCounted("408", 0);
    }

    @Test
    void keptAliveConnectionIdlesUnderTheIdleTimeoutThenTimesTheNextHeader() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(10_000);
            assertThat(RawResponses.readOne(socket.getInputStream())).startsWith("HTTP/1.1 200 OK\r\n")
                    .endsWith("ok\n");

            // Between requests only the idle timeout (10 s) applies, as nginx's keepalive_timeout.
            socket.setSoTimeout((int) (2 * TIMEOUT_MS));
            try {
                int b = socket.getInputStream().read();
                throw new AssertionError("the idle kept-alive connection was answered or closed: " + b);
            } catch (SocketTimeoutException expected) {
                // still open
            }

            long firstByte = System.nanoTime();
            String answer = dribble(socket, "GET /2 HTTP/1.1\r\n");
            assertThat(answer).startsWith("HTTP/1.1 408 ");
            assertThat(millisSince(firstByte)).isBetween(TIMEOUT_MS - 10, TIMEOUT_MS + SLACK_MS);
        }
        assertCounted("408", 1);
    }

    /**
     * Sends {@code head} then one header byte every ~50 ms, never finishing the block, until an
     * answer comes; returns everything read up to the end of the stream. Bounded in bytes and time.
     */
    private static String dribble(Socket socket, String head) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.setSoTimeout(50);
        long deadline = System.nanoTime() + Duration.ofMillis(TIMEOUT_MS + SLACK_MS).toNanos();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
            try {
                out.write('a');
                out.flush();
            } catch (IOException closed) {
                break;
            }
            try {
                // The read's timeout paces the bytes, and returns as soon as the answer comes.
                int b = in.read();
                if (b < 0) {
                    break;
                }
                got.write(b);
                break;
            } catch (SocketTimeoutException slow) {
                // no answer yet: send the next byte
            }
        }
        socket.setSoTimeout((int) SLACK_MS);
        in.transferTo(got);
        return got.toString(StandardCharsets.US_ASCII);
    }

    private void assertCounted(String outcome, double expected) {
        assertThat(rig.awaitCount(expected, "terminus.http.request.header.timeouts", "outcome", outcome))
                .as("terminus.http.request.header.timeouts{outcome=%s}", outcome).isEqualTo(expected);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
