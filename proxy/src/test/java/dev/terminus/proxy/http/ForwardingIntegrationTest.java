package dev.terminus.proxy.http;

import io.netty.channel.epoll.Epoll;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs real curl against a real proxy listener (plain on NIO, TLS with ALPN on epoll) that
 * forwards to real loopback backends.
 */
class ForwardingIntegrationTest {

    private static final String HOST = "terminus.test";
    private static final long BIG_BODY = 50L * 1024 * 1024;
    private static final HttpLimits LIMITS = HttpLimits.defaults()
            .withConnectTimeoutMillis(2_000).withResponseTimeoutMillis(500);

    private static TestServers servers;
    private static SslContext sslContext;
    private static int plainPort;
    private static int tlsPort;

    enum Mode {
        HTTP1_PLAIN("http", "--http1.1", "1.1"),
        HTTP1_TLS("https", "--http1.1", "1.1"),
        H2_TLS("https", "--http2", "2");

        final String scheme;
        final String curlFlag;
        final String httpVersion;

        Mode(String scheme, String curlFlag, String httpVersion) {
            this.scheme = scheme;
            this.curlFlag = curlFlag;
            this.httpVersion = httpVersion;
        }

        int port() {
            return this == HTTP1_PLAIN ? plainPort : tlsPort;
        }

        String url(String path) {
            return scheme + "://" + HOST + ":" + port() + path;
        }

        /** Returns curl's arguments for this mode followed by {@code args}. */
        String[] curl(String... args) {
            List<String> all = new ArrayList<>(List.of("-sS", "-k", curlFlag, "--resolve",
                    HOST + ":" + port() + ":127.0.0.1"));
            all.addAll(List.of(args));
            return all.toArray(String[]::new);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        OpenSsl.ensureAvailability();
        servers = new TestServers();
        InetSocketAddress echo = servers.echoBackend();
        InetSocketAddress silent = servers.silentBackend();
        int refused = TestServers.closedPort();
        Routes routes = request -> {
            String path = request.uri();
            if (path.startsWith("/fixed")) {
                return new RouteAction.FixedResponse(200, "text/plain", "fixed\n");
            } else if (path.startsWith("/refused")) {
                return new RouteAction.Forward("127.0.0.1", refused);
            } else if (path.startsWith("/silent")) {
                return new RouteAction.Forward("127.0.0.1", silent.getPort());
            } else if (path.startsWith("/named")) {
                return new RouteAction.Forward("localhost", echo.getPort());
            }
            return new RouteAction.Forward("127.0.0.1", echo.getPort());
        };
        sslContext = TestServers.alpnServerContext(HOST);
        plainPort = servers.plainProxy(TestServers.Transport.NIO, routes, LIMITS).getPort();
        // The TLS listener runs on epoll where the machine has it, so the forwarder's
        // same-transport backend connections are exercised on both transports.
        TestServers.Transport tlsTransport = Epoll.isAvailable() ? TestServers.Transport.EPOLL : TestServers.Transport.NIO;
        tlsPort = servers.tlsProxy(tlsTransport, sslContext, routes, LIMITS).getPort();
    }

    @AfterAll
    static void stop() {
        if (servers != null) {
            servers.close();
        }
        ReferenceCountUtil.release(sslContext);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void backendSeesForwardedHeadersAndHost(Mode mode) throws Exception {
        List<String> args = new ArrayList<>(List.of("-H", "X-Forwarded-For: 10.9.8.7",
                "-H", "X-Forwarded-Proto: gopher", "-w", "%{stderr}%{http_version}"));
        if (mode != Mode.H2_TLS) {
            // Connection-specific fields are illegal on HTTP/2 (RFC 9113 8.2.2), so only HTTP/1.1 sends them.
            args.addAll(List.of("-H", "Connection: keep-alive, X-Hop", "-H", "X-Hop: secret",
                    "-H", "Keep-Alive: timeout=5"));
        }
        args.add(mode.url("/headers"));
        Curl.Result result = Curl.run(mode.curl(args.toArray(String[]::new)));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).isEqualTo(mode.httpVersion);
        assertThat(result.stdout())
                .contains("GET /headers\n")
                .contains("host: " + HOST + ":" + mode.port() + "\n")
                .contains("x-forwarded-for: 10.9.8.7, 127.0.0.1\n")
                .contains("x-forwarded-proto: " + mode.scheme + "\n")
                .contains("x-forwarded-port: " + mode.port() + "\n")
                .doesNotContain("x-hop", "keep-alive", "gopher", "x-http2-", "\nconnection:");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void keepAliveReusesTheDownstreamAndTheBackendConnection(Mode mode) throws Exception {
        Curl.Result result = Curl.run(mode.curl("-w", "%{stderr}%{num_connects} ",
                mode.url("/first"), mode.url("/second")));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).isEqualTo("1 0 ");
        Matcher ids = Pattern.compile("connection-id: (\\d+)\n").matcher(result.stdout());
        assertThat(ids.find()).isTrue();
        String first = ids.group(1);
        assertThat(ids.find()).isTrue();
        assertThat(ids.group(1)).as("backend connection of the second request").isEqualTo(first);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void largeBodyStreamsToTheBackendAndBack(Mode mode) throws Exception {
        AtomicLong sentCrc = new AtomicLong();
        Curl.Streamed result = Curl.stream(out -> sentCrc.set(writeBody(out, BIG_BODY)), mode.curl(
                "-T", "-", "-H", "Content-Type: application/octet-stream",
                "-w", "%{stderr}%{http_code} %{size_upload}", mode.url("/echo-body")));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        // size_upload counts chunk framing on HTTP/1.1, so it is at least the body, not equal to it.
        String[] written = result.stderr().split(" ");
        assertThat(written[0]).isEqualTo("200");
        assertThat(Long.parseLong(written[1])).isGreaterThanOrEqualTo(BIG_BODY);
        assertThat(result.stdoutBytes()).isEqualTo(BIG_BODY);
        assertThat(result.stdoutCrc()).isEqualTo(sentCrc.get());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void refusedBackendGets502NamingTheCause(Mode mode) throws Exception {
        Curl.Result result = Curl.run(mode.curl("-i", mode.url("/refused")));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).containsPattern("^HTTP/[12.]+ 502")
                .containsIgnoringCase("x-terminus-error: upstream-connect-refused\r\n")
                .endsWith("502 Bad Gateway: the backend refused the connection\n");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void silentBackendGets504AfterTheResponseTimeout(Mode mode) throws Exception {
        Curl.Result result = Curl.run(mode.curl("-i", mode.url("/silent")));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).containsPattern("^HTTP/[12.]+ 504")
                .containsIgnoringCase("x-terminus-error: upstream-response-timeout\r\n")
                .endsWith("504 Gateway Timeout: the backend did not answer in time\n");
    }

    @Test
    void fixedResponseAndHeadOverARealSocket() throws Exception {
        Curl.Result get = Curl.run(Mode.HTTP1_PLAIN.curl("-i", Mode.HTTP1_PLAIN.url("/fixed")));
        assertThat(get.stdout()).startsWith("HTTP/1.1 200 OK\r\n")
                .containsIgnoringCase("content-length: 6\r\n").endsWith("\r\n\r\nfixed\n");

        Curl.Result head = Curl.run(Mode.H2_TLS.curl("-I", Mode.H2_TLS.url("/fixed")));
        assertThat(head.stdout()).startsWith("HTTP/2 200").containsIgnoringCase("content-length: 6\r\n")
                .doesNotContain("fixed\n");
    }

    @Test
    void backendNamedByHostNameIsResolvedOffTheEventLoop() throws Exception {
        Curl.Result result = Curl.run(Mode.HTTP1_PLAIN.curl(Mode.HTTP1_PLAIN.url("/named")));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("GET /named\n");
    }

    /** Writes {@code size} deterministic pseudo-random bytes and returns their CRC-32. */
    private static long writeBody(OutputStream out, long size) {
        SplittableRandom random = new SplittableRandom(42);
        CRC32 crc = new CRC32();
        byte[] block = new byte[64 * 1024];
        try {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(block.length, left);
                for (int i = 0; i < n; i += 8) {
                    long bits = random.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++) {
                        block[i + j] = (byte) (bits >>> (8 * j));
                    }
                }
                out.write(block, 0, n);
                crc.update(block, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return crc.getValue();
    }
}
