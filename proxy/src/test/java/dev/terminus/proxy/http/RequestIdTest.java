package dev.terminus.proxy.http;

import dev.terminus.proxy.accesslog.AccessLog;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.terminus.proxy.http.EmbeddedHttp.send;
import static dev.terminus.proxy.http.EmbeddedHttp.written;
import static org.assertj.core.api.Assertions.assertThat;

/** Every request gets an id that the backend and the client both see, proxy errors included. */
class RequestIdTest {

    private static final RouteAction.Forward BACKEND = new RouteAction.Forward("10.0.0.9", 8080);
    private static final Pattern GENERATED = Pattern.compile("[0-9a-f]{32}");

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<EmbeddedChannel> backends = new ArrayList<>();

    @AfterEach
    void releaseAll() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        backends.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel client(RequestIds ids, Routes routes) {
        EmbeddedChannel channel = new EmbeddedChannel();
        HttpPipelines.configure(channel.pipeline(), null, EmbeddedHttp.TLS_CLIENT, routes, HttpLimits.defaults(), ids,
                HttpState.unregistered(), AccessLog.off(), EmbeddedHttp.backendsInto(backends));
        channels.add(channel);
        return channel;
    }

    /** Sends one request through, answers it from the backend; returns what the backend got and what the client got. */
    private String[] exchange(EmbeddedChannel client, String request) {
        send(client, request);
        String upstream = written(backends.get(backends.size() - 1));
        send(backends.get(backends.size() - 1), "HTTP/1.1 200 OK\r\nX-Request-Id: from-backend\r\nContent-Length: 2\r\n\r\nok");
        return new String[] {upstream, written(client)};
    }

    private static String field(String message, String name) {
        Matcher m = Pattern.compile("(?i)\n" + Pattern.quote(name) + ": ([^\r\n]*)\r\n").matcher(message);
        assertThat(m.find()).as(name + " in\n" + message).isTrue();
        String value = m.group(1);
        assertThat(m.find()).as("one " + name + " in\n" + message).isFalse();
        return value;
    }

    @Test
    void generatedIdGoesToTheBackendAndBackToTheClient() {
        EmbeddedChannel client = client(RequestIds.defaults(), request -> BACKEND);
        String[] first = exchange(client, "GET /a HTTP/1.1\r\nHost: a\r\nX-Request-Id: chosen-by-client\r\n\r\n");

        String sent = field(first[0], "x-request-id");
        assertThat(sent).matches(GENERATED).isNotEqualTo("chosen-by-client");
        assertThat(field(first[1], "x-request-id")).as("the client sees the same id, not the backend's").isEqualTo(sent);
        assertThat(client.pipeline().get(RequestHandler.class).currentRequestId()).isEqualTo(sent);

        String[] second = exchange(client, "GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(field(second[0], "x-request-id")).matches(GENERATED).isNotEqualTo(sent);
    }

    @Test
    void preservedIdIsKeptWhenWellFormed() {
        EmbeddedChannel client = client(new RequestIds("X-Trace", true), request -> BACKEND);
        String[] kept = exchange(client, "GET / HTTP/1.1\r\nHost: a\r\nX-Trace: 4bf92f3577b34da6-a3ce929d0e0e4736\r\n\r\n");

        assertThat(field(kept[0], "x-trace")).isEqualTo("4bf92f3577b34da6-a3ce929d0e0e4736");
        assertThat(field(kept[1], "x-trace")).isEqualTo("4bf92f3577b34da6-a3ce929d0e0e4736");
        assertThat(kept[0]).doesNotContainIgnoringCase("x-request-id");
    }

    @ParameterizedTest(name = "replaced: \"{0}\"")
    @ValueSource(strings = {"has space", "tab\there", "caf\u00e9", ""})
    void preservedIdIsReplacedWhenMalformed(String incoming) {
        EmbeddedChannel client = client(new RequestIds("X-Request-Id", true), request -> BACKEND);
        String[] replaced = exchange(client, "GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: " + incoming + "\r\n\r\n");

        assertThat(field(replaced[0], "x-request-id")).matches(GENERATED);
    }

    @Test
    void preservedIdIsBoundedInLength() {
        EmbeddedChannel client = client(new RequestIds("X-Request-Id", true), request -> BACKEND);
        String longest = "a".repeat(RequestIds.MAX_PRESERVED_LENGTH);
        assertThat(field(exchange(client, "GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: " + longest + "\r\n\r\n")[0],
                "x-request-id")).isEqualTo(longest);
        assertThat(field(exchange(client, "GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: " + longest + "b\r\n\r\n")[0],
                "x-request-id")).matches(GENERATED);
    }

    @Test
    void proxyGeneratedResponsesCarryTheIdToo() {
        EmbeddedChannel client = client(RequestIds.defaults(),
                request -> new RouteAction.FixedResponse(404, "text/plain", "none\n"));
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        String fixed = written(client);
        assertThat(fixed).startsWith("HTTP/1.1 404 ");
        assertThat(field(fixed, "x-request-id")).matches(GENERATED);

        send(client, "CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\n\r\n");
        String refused = written(client);
        assertThat(refused).startsWith("HTTP/1.1 501 ");
        assertThat(field(refused, "x-request-id")).matches(GENERATED).isNotEqualTo(field(fixed, "x-request-id"));

        EmbeddedChannel bad = client(RequestIds.defaults(), request -> BACKEND);
        send(bad, "GET / HTTP/1.1\r\nHost: a\r\nbroken header\r\n\r\n");
        String badRequest = written(bad);
        assertThat(badRequest).startsWith("HTTP/1.1 400 ");
        assertThat(field(badRequest, "x-request-id")).matches(GENERATED);
        assertThat(backends).isEmpty();
    }

    @Test
    void generatedIdsAreDistinctHex() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.generate();
            assertThat(id).matches(GENERATED);
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void realCurlOverHttp2SeesTheIdTheBackendGot() throws Exception {
        SslContext ssl = TestServers.alpnServerContext("id.test");
        try (TestServers servers = new TestServers()) {
            InetSocketAddress echo = servers.echoBackend();
            int port = servers.tlsProxy(TestServers.Transport.NIO, ssl,
                    request -> new RouteAction.Forward("127.0.0.1", echo.getPort()), HttpLimits.defaults()).getPort();
            for (String version : List.of("--http2", "--http1.1")) {
                Curl.Result r = Curl.run("-sS", "-i", "-k", version, "--resolve", "id.test:" + port + ":127.0.0.1",
                        "https://id.test:" + port + "/headers");
                assertThat(r.exitCode()).as(r.stderr()).isZero();
                Matcher sent = Pattern.compile("\nx-request-id: ([0-9a-f]{32})\n").matcher(r.stdout());
                assertThat(sent.find()).as(r.stdout()).isTrue();
                assertThat(r.stdout()).containsIgnoringCase("x-request-id: " + sent.group(1) + "\r\n");
            }
        } finally {
            ReferenceCountUtil.release(ssl);
        }
    }
}
