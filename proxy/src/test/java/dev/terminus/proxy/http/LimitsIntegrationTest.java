package dev.terminus.proxy.http;

import dev.terminus.proxy.testing.H2FrameClient;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits and the error statuses that name their cause, through a real proxy (plain HTTP/1.1,
 * TLS HTTP/1.1 and HTTP/2 by ALPN) with real curl and real loopback backends: 413 for bodies,
 * 431 for headers, 502 for a backend that resets, 504 for a backend that never accepts.
 */
class LimitsIntegrationTest {

    private static final String HOST = "limits.test";
    private static final int MAX_BODY = 1024;
    private static final int MAX_HEADERS = 4096;
    private static final int CONNECT_TIMEOUT_MS = 300;
    private static final HttpLimits LIMITS = HttpLimits.defaults().withMaxBodySize(MAX_BODY)
            .withMaxHeaderSize(MAX_HEADERS).withConnectTimeoutMillis(CONNECT_TIMEOUT_MS)
            .withResponseTimeoutMillis(5_000);

    private static TestServers servers;
    private static SslContext sslContext;
    private static int plainPort;
    private static int tlsPort;
    private static ResettingBackend resetting;
    private static FullBacklog fullBacklog;
    private static Path smallBody;
    private static Path bigBody;

    enum Mode {
        HTTP1_PLAIN("http", "--http1.1"),
        HTTP1_TLS("https", "--http1.1"),
        H2_TLS("https", "--http2");

        final String scheme;
        final String curlFlag;

        Mode(String scheme, String curlFlag) {
            this.scheme = scheme;
            this.curlFlag = curlFlag;
        }

        int port() {
            return this == HTTP1_PLAIN ? plainPort : tlsPort;
        }

        Curl.Result curl(String path, String... args) throws Exception {
            List<String> all = new ArrayList<>(List.of("-sS", "-i", "-k", curlFlag, "--resolve",
                    HOST + ":" + port() + ":127.0.0.1"));
            all.addAll(Arrays.asList(args));
            all.add(scheme + "://" + HOST + ":" + port() + path);
            return Curl.run(all.toArray(String[]::new));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        OpenSsl.ensureAvailability();
        servers = new TestServers();
        resetting = new ResettingBackend();
        fullBacklog = new FullBacklog();
        InetSocketAddress echo = servers.echoBackend();
        Routes routes = request -> {
            String path = request.uri();
            if (path.startsWith("/reset")) {
                return new RouteAction.Forward("127.0.0.1", resetting.port());
            } else if (path.startsWith("/backlog")) {
                return new RouteAction.Forward("127.0.0.1", fullBacklog.port());
            }
            return new RouteAction.Forward("127.0.0.1", echo.getPort());
        };
        sslContext = TestServers.alpnServerContext(HOST);
        plainPort = servers.plainProxy(TestServers.Transport.NIO, routes, LIMITS).getPort();
        tlsPort = servers.tlsProxy(TestServers.Transport.NIO, sslContext, routes, LIMITS).getPort();
        smallBody = Files.createTempFile("body", ".bin");
        Files.write(smallBody, new byte[MAX_BODY]);
        bigBody = Files.createTempFile("body", ".bin");
        Files.write(bigBody, new byte[MAX_BODY + 1]);
    }

    @AfterAll
    static void stop() throws IOException {
        if (servers != null) {
            servers.close();
        }
        if (resetting != null) {
            resetting.close();
        }
        if (fullBacklog != null) {
            fullBacklog.close();
        }
        ReferenceCountUtil.release(sslContext);
        Files.deleteIfExists(smallBody);
        Files.deleteIfExists(bigBody);
    }

    private static void assertProxyError(Curl.Result result, int status, String code) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).containsPattern("^HTTP/[12.]+ " + status + " ")
                .containsIgnoringCase("x-terminus-error: " + code + "\r\n")
                .containsPattern("(?i)x-request-id: [0-9a-f]{32}\r\n");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void declaredBodyOverTheLimitGets413AndOneAtTheLimitPasses(Mode mode) throws Exception {
        assertProxyError(mode.curl("/upload", "--data-binary", "@" + bigBody), 413, "body-too-large");

        Curl.Result ok = mode.curl("/upload", "--data-binary", "@" + smallBody);
        assertThat(ok.exitCode()).as(ok.stderr()).isZero();
        assertThat(ok.stdout()).containsPattern("^HTTP/[12.]+ 200 ").contains("content-length: " + MAX_BODY + "\n");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void streamedBodyOverTheLimitGets413BeforeTheBackendAnswers(Mode mode) throws Exception {
        // -T - streams stdin: chunked on HTTP/1.1, DATA frames without a length on HTTP/2. The echo
        // backend answers /upload only after the whole body, so the limit trips before its head.
        Curl.Streamed result = Curl.stream(out -> write(out, 8 * MAX_BODY), "-sS", "-k", "-T", "-", mode.curlFlag,
                "-o", "/dev/null", "-w", "%{stderr}%{http_code}", "--resolve", HOST + ":" + mode.port() + ":127.0.0.1",
                mode.scheme + "://" + HOST + ":" + mode.port() + "/upload");

        assertThat(result.stderr()).endsWith("413");
    }

    @Test
    void streamedBodyOverTheLimitAfterTheResponseHeadCutsTheResponse() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), plainPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /echo-body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "200\r\n" + "a".repeat(512) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            // The echo backend answers at once and echoes: wait for its head and the first bytes.
            while (!got.toString(StandardCharsets.US_ASCII).contains("aaaa")) {
                int b = in.read();
                assertThat(b).as("response so far: " + got).isNotNegative();
                got.write(b);
            }
            assertThat(got.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK\r\n");

            out.write(("400\r\n" + "b".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                in.transferTo(got);
            } catch (IOException reset) {
                // A cut may come as RST: either way the response ends early.
            }
            String response = got.toString(StandardCharsets.US_ASCII);
            assertThat(response).doesNotContain("bbbb").doesNotEndWith("0\r\n\r\n").doesNotContain(" 413 ");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void headersOverTheLimitGet431(Mode mode) throws Exception {
        Curl.Result result = mode.curl("/", "-H", "X-Big: " + "b".repeat(MAX_HEADERS + 400));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).containsPattern("^HTTP/[12.]+ 431");
        if (mode != Mode.H2_TLS) {
            // HTTP/2's codec answers 431 itself (RFC 6585 5), without the proxy's error header.
            assertThat(result.stdout()).containsIgnoringCase("x-terminus-error: headers-too-large\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void backendResetBeforeAnsweringGets502(Mode mode) throws Exception {
        Curl.Result result = mode.curl("/reset");

        assertProxyError(result, 502, "upstream-reset");
        assertThat(result.stdout()).endsWith("502 Bad Gateway: the backend closed or reset the connection before "
                + "answering\n");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void backendThatNeverAcceptsGets504AfterTheConnectTimeout(Mode mode) throws Exception {
        long start = System.nanoTime();
        Curl.Result result = mode.curl("/backlog");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertProxyError(result, 504, "upstream-connect-timeout");
        assertThat(result.stdout()).endsWith("504 Gateway Timeout: the backend did not accept the connection in time\n");
        // curl's own start-up and TLS are in there too; the bound says the 504 came from the
        // 300 ms connect timeout, not from the 5 s response timeout.
        assertThat(millis).isBetween((long) CONNECT_TIMEOUT_MS, 4_000L);
    }

    @Test
    void idleHttp2ConnectionGetsGoAwayThenCloses() throws Exception {
        int port = servers.tlsProxy(TestServers.Transport.NIO, sslContext, request -> {
            throw new AssertionError("no request expected");
        }, LIMITS.withIdleTimeoutMillis(300)).getPort();
        try (H2FrameClient h2 = new H2FrameClient(HOST, port)) {
            assertThat(h2.await("GOAWAY", 10)).isEqualTo("GOAWAY last=0 error=0");
            assertThat(h2.awaitClosed(10)).isTrue();
        }
    }

    private static void write(OutputStream out, int size) {
        try {
            out.write(new byte[size]);
        } catch (IOException e) {
            // The proxy refused the body and closed: what was written is enough.
            if (!String.valueOf(e.getMessage()).contains("pipe")) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads each request head, then resets the connection (SO_LINGER 0) without answering. */
    private static final class ResettingBackend implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread acceptor = new Thread(this::serve, "resetting-backend");

        ResettingBackend() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(5_000);
                    InputStream in = socket.getInputStream();
                    StringBuilder head = new StringBuilder();
                    for (int b; head.length() < 65_536 && !head.toString().endsWith("\r\n\r\n")
                            && (b = in.read()) >= 0; ) {
                        head.append((char) b);
                    }
                    socket.setSoLinger(true, 0);
                } catch (SocketTimeoutException e) {
                    // a stuck proxy connection: drop it and go on
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * A listening socket that never accepts, its accept queue filled: the kernel drops further
     * SYNs, so a connect attempt hangs until the connector's timeout. Only loopback is allowed
     * here; a full backlog is the loopback stand-in for an unroutable address.
     */
    private static final class FullBacklog implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final List<Socket> fillers = new ArrayList<>();

        FullBacklog() throws IOException {
            for (int i = 0; i < 16; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(server.getLocalSocketAddress(), 200);
                    fillers.add(filler);
                } catch (SocketTimeoutException full) {
                    filler.close();
                    return;
                }
            }
            throw new IllegalStateException("the accept queue never filled: this kernel does not drop SYNs");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                s.close();
            }
            server.close();
        }
    }
}
