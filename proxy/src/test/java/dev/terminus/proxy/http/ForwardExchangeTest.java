package dev.terminus.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.terminus.proxy.http.EmbeddedHttp.send;
import static dev.terminus.proxy.http.EmbeddedHttp.written;
import static org.assertj.core.api.Assertions.assertThat;

/** Forwards through embedded channels on both sides, asserting the exact bytes of each hop. */
class ForwardExchangeTest {

    private static final RouteAction.Forward BACKEND = new RouteAction.Forward("10.0.0.9", 8080);
    private static final HttpLimits LIMITS = HttpLimits.defaults().withResponseTimeoutMillis(1_000);

    private final List<EmbeddedChannel> backends = new ArrayList<>();
    private final EmbeddedChannel client = EmbeddedHttp.http1(request -> BACKEND, LIMITS,
            EmbeddedHttp.backendsInto(backends, BACKEND));

    @AfterEach
    void releaseAll() {
        client.finishAndReleaseAll();
        backends.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void rewritesRequestHeadersForTheBackend() {
        send(client, "POST /p?q=1 HTTP/1.1\r\nHost: shop.example\r\n"
                + "Connection: keep-alive, X-Drop\r\nX-Drop: secret\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\nTE: trailers\r\nUpgrade: h2c\r\n"
                + "X-Forwarded-For: 10.1.1.1\r\nX-Forwarded-Proto: ftp\r\nX-Forwarded-Port: 1\r\n"
                + "Content-Length: 3\r\n\r\nabc");

        String sent = written(backend());
        assertThat(sent).startsWith("POST /p?q=1 HTTP/1.1\r\n")
                .containsIgnoringCase("host: shop.example\r\n")
                .containsIgnoringCase("x-forwarded-for: 10.1.1.1, 192.0.2.7\r\n")
                .containsIgnoringCase("x-forwarded-proto: https\r\n")
                .containsIgnoringCase("x-forwarded-port: 443\r\n")
                .containsIgnoringCase("content-length: 3\r\n")
                .endsWith("\r\n\r\nabc");
        assertThat(sent.toLowerCase()).doesNotContain("x-drop", "keep-alive", "proxy-connection", "te:",
                "upgrade", "connection:", "ftp");
    }

    @Test
    void connectionFieldCannotStripFraming() {
        send(client, "POST / HTTP/1.1\r\nHost: a\r\nConnection: content-length, host\r\n"
                + "Content-Length: 2\r\n\r\nhi");

        assertThat(written(backend())).containsIgnoringCase("content-length: 2\r\n")
                .containsIgnoringCase("host: a\r\n").endsWith("hi");
    }

    @Test
    void chunkedRequestStaysChunked() {
        send(client, "PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");

        String sent = written(backend());
        assertThat(sent).containsIgnoringCase("transfer-encoding: chunked\r\n").contains("3\r\nabc\r\n0\r\n\r\n");
    }

    @Test
    void rewritesResponseHeadersAndReusesTheBackendConnection() {
        send(client, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        written(backend());
        send(backend(), "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
                + "Keep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n");

        String answer = written(client);
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n")
                .containsIgnoringCase("transfer-encoding: chunked\r\n")
                .contains("3\r\nxyz\r\n0\r\n\r\n");
        assertThat(answer.toLowerCase()).doesNotContain("x-secret", "keep-alive", "connection:");

        send(client, "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(written(backend())).startsWith("GET /2 HTTP/1.1\r\n");
        assertThat(backends).hasSize(1);
    }

    @Test
    void aBackendCannotPoseAsTheProxyWithXTerminusError() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        written(backend());
        send(backend(), "HTTP/1.1 502 Bad Gateway\r\nX-Terminus-Error: upstream-reset\r\nContent-Length: 3\r\n\r\nbad");

        String answer = written(client);
        assertThat(answer).startsWith("HTTP/1.1 502 ").endsWith("bad");
        assertThat(answer.toLowerCase()).doesNotContain("x-terminus-error");
    }

    @Test
    void responseWithoutFramingIsChunkedForTheClient() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        send(backend(), "HTTP/1.0 200 OK\r\n\r\nuntil-close");
        backend().close();

        String answer = written(client);
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n")
                .containsIgnoringCase("transfer-encoding: chunked\r\n")
                .contains("b\r\nuntil-close\r\n", "0\r\n\r\n");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void http10ClientGetsCloseDelimitedBodyInsteadOfChunks() {
        send(client, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");

        String answer = written(client);
        assertThat(answer).containsIgnoringCase("connection: close\r\n").endsWith("\r\n\r\nok");
        assertThat(answer.toLowerCase()).doesNotContain("transfer-encoding");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void interimResponseIsRelayedBeforeTheFinalOne() {
        send(client, "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        send(backend(), "HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(written(client)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");

        send(client, "hi");
        send(backend(), "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        assertThat(written(client)).startsWith("HTTP/1.1 201 Created\r\n");
        assertThat(written(backend())).endsWith("\r\n\r\nhi");
    }

    @Test
    void malformedResponseGets502() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        send(backend(), "this is not http\r\n\r\n");

        String answer = written(client);
        assertThat(answer).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                .containsIgnoringCase("x-terminus-error: upstream-malformed-response\r\n")
                .endsWith("malformed response\n");
        assertThat(backend().isOpen()).isFalse();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void backendClosingBeforeAnsweringGets502() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        backend().close();

        assertThat(written(client)).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                .containsIgnoringCase("x-terminus-error: upstream-reset\r\n");
    }

    @Test
    void backendClosingMidBodyCutsTheClientConnection() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        backend().close();

        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("abc");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void silentBackendGets504AfterTheResponseTimeout() {
        // The embedded clock otherwise follows real time too; only advanceTimeBy may move it.
        client.freezeTime();
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        client.advanceTimeBy(LIMITS.responseTimeoutMillis() - 1, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertThat(written(client)).isEmpty();

        client.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertThat(written(client)).startsWith("HTTP/1.1 504 Gateway Timeout\r\n")
                .containsIgnoringCase("x-terminus-error: upstream-response-timeout\r\n");
        assertThat(backend().isOpen()).isFalse();
    }

    @Test
    void headResponseCarriesLengthButNoBody() {
        send(client, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n");

        assertThat(written(client)).containsIgnoringCase("content-length: 42\r\n").endsWith("\r\n\r\n");
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(written(backend())).contains("HEAD / HTTP/1.1", "GET / HTTP/1.1");
        assertThat(backends).hasSize(1);
    }

    @Test
    void connectIsRefusedWithoutTouchingTheBackend() {
        send(client, "CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432\r\n\r\n");

        assertThat(written(client)).startsWith("HTTP/1.1 501 Not Implemented\r\n")
                .containsIgnoringCase("x-terminus-error: method-not-supported\r\n");
        assertThat(backends).isEmpty();
    }

    @Test
    void getOnAReusedConnectionThatClosedIsSentAgainOnANewOne() {
        send(client, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        written(backend());
        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(written(client)).endsWith("ok");

        // The backend closed the idle connection while the next request was on its way.
        send(client, "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        EmbeddedChannel stale = backend();
        assertThat(written(stale)).startsWith("GET /2 HTTP/1.1\r\n");
        stale.close();

        assertThat(backends).hasSize(2);
        assertThat(written(backend())).startsWith("GET /2 HTTP/1.1\r\n").endsWith("\r\n\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("again");
    }

    @Test
    void aSecondStaleConnectionIsNotRetriedAgain() {
        send(client, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        written(client);
        send(client, "DELETE /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        backend().close();
        // The new connection is fresh: when it closes too, nothing is sent a third time.
        backend().close();

        assertThat(backends).hasSize(2);
        assertThat(written(client)).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                .containsIgnoringCase("x-terminus-error: upstream-reset\r\n");
    }

    @Test
    void postOrABodyOnAReusedConnectionThatClosedGets502() {
        for (String request : List.of("POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
                "PUT /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")) {
            backends.forEach(EmbeddedChannel::finishAndReleaseAll);
            backends.clear();
            EmbeddedChannel c = EmbeddedHttp.http1(r -> BACKEND, LIMITS, EmbeddedHttp.backendsInto(backends));
            send(c, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
            send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            written(c);
            send(c, request);
            backend().close();

            assertThat(backends).as(request).hasSize(1);
            assertThat(written(c)).as(request).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                    .containsIgnoringCase("x-terminus-error: upstream-reset\r\n");
            c.finishAndReleaseAll();
        }
    }

    @Test
    void aResponseThatStartedIsNeverSentAgain() {
        send(client, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        written(client);
        send(client, "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        backend().close();

        assertThat(backends).hasSize(1);
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("abc");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aStaleConnectionOfATargetGroupIsRetriedOnAnotherTarget() {
        RouteAction.Forward a = new RouteAction.Forward("10.0.0.1", 80);
        RouteAction.Forward b = new RouteAction.Forward("10.0.0.2", 80);
        List<RouteAction.Forward> targets = new ArrayList<>();
        UpstreamGroup group = avoid -> avoid == a ? b : a;
        UpstreamPool.Connector embedded = EmbeddedHttp.backendsInto(backends);
        EmbeddedChannel c = EmbeddedHttp.http1(r -> new RouteAction.Balanced("g", group), LIMITS,
                (d, target, init, l) -> {
                    targets.add(target);
                    return embedded.connect(d, target, init, l);
                });
        try {
            send(c, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
            send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            written(c);
            send(c, "HEAD /2 HTTP/1.1\r\nHost: a\r\n\r\n");
            backend().close();
            send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n");

            assertThat(targets).containsExactly(a, b);
            assertThat(written(c)).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("content-length: 7");
        } finally {
            c.finishAndReleaseAll();
        }
    }

    @Test
    void webSocketUpgradeKeepsItsHeadersAndA101TurnsBothConnectionsIntoATunnel() {
        send(client, "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        String sent = written(backend());
        assertThat(sent).startsWith("GET /chat HTTP/1.1\r\n")
                .containsIgnoringCase("upgrade: websocket\r\n")
                .containsIgnoringCase("connection: upgrade\r\n")
                .containsIgnoringCase("sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n");

        // The first frame may share a read with the 101 head.
        send(backend(), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nX-Backend: yes\r\n\r\n\u0081\u0002hi");
        String answer = written(client);
        assertThat(answer).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                .containsIgnoringCase("upgrade: websocket\r\n")
                .containsIgnoringCase("connection: upgrade\r\n")
                .containsIgnoringCase("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                .containsIgnoringCase("x-backend: yes\r\n")
                .endsWith("\r\n\r\n\u0081\u0002hi");
        assertThat(answer.toLowerCase()).doesNotContain("transfer-encoding", "content-length");

        // Bytes are bytes now, both ways: nothing parses them as HTTP.
        send(client, "\u0082\u0003raw GET / HTTP/1.1\r\n\r\n");
        assertThat(written(backend())).isEqualTo("\u0082\u0003raw GET / HTTP/1.1\r\n\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\n\r\n");
        assertThat(written(client)).isEqualTo("HTTP/1.1 200 OK\r\n\r\n");

        backend().close();
        assertThat(client.isOpen()).isFalse();
        assertThat(backends).hasSize(1);
    }

    @Test
    void theClientClosingATunnelClosesTheBackend() {
        send(client, "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        written(backend());
        send(backend(), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        written(client);

        client.close();
        assertThat(backend().isOpen()).isFalse();
    }

    @Test
    void anUpgradeAnsweredWithoutA101IsAnOrdinaryResponse() {
        send(client, "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        written(backend());
        send(backend(), "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno");
        assertThat(written(client)).startsWith("HTTP/1.1 403 Forbidden\r\n").endsWith("\r\n\r\nno");

        send(client, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(written(backend())).startsWith("GET /next HTTP/1.1\r\n");
        assertThat(backends).hasSize(1);
    }

    @Test
    void a101NobodyAskedForGets502() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
        assertThat(written(backend()).toLowerCase()).doesNotContain("upgrade");
        send(backend(), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");

        assertThat(written(client)).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                .containsIgnoringCase("x-terminus-error: upstream-malformed-response\r\n");
        assertThat(backend().isOpen()).isFalse();
    }

    @Test
    void aSmallRequestAndItsResponseEachLeaveInOneFlush() {
        AtomicInteger clientFlushes = countFlushes(client);
        send(client, "GET /one HTTP/1.1\r\nHost: a\r\n\r\n");
        AtomicInteger backendFlushes = new AtomicInteger();
        // The backend channel existed only once the head was routed: count from its first write on.
        assertThat(written(backend())).startsWith("GET /one HTTP/1.1\r\n").endsWith("\r\n\r\n");
        countFlushes(backend(), backendFlushes);

        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        // Head and body came in one read: one flush, so one write (and one TLS record) to the client.
        assertThat(clientFlushes.get()).isEqualTo(1);
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nok");

        send(client, "GET /two HTTP/1.1\r\nHost: a\r\n\r\n");
        // A bodiless request's head waits for its empty last part: one flush to the backend.
        assertThat(backendFlushes.get()).isEqualTo(1);
        assertThat(written(backend())).startsWith("GET /two HTTP/1.1\r\n");
    }

    @Test
    void readingGoesOnWhileAResponseIsPendingAndAPipelinedRequestWaitsItsTurn() {
        send(client, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(written(backend())).startsWith("GET /1 HTTP/1.1\r\n");
        // No pause between a request and its response: no epoll_ctl pair per request.
        assertThat(client.config().isAutoRead()).isTrue();

        send(client, "GET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
        // Pipelined: held (and reading paused) until the response before them is complete.
        assertThat(written(backend())).isEmpty();
        assertThat(client.config().isAutoRead()).isFalse();

        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1");
        assertThat(written(client)).endsWith("\r\n\r\n1");
        assertThat(written(backend())).startsWith("GET /2 HTTP/1.1\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");
        assertThat(written(client)).endsWith("\r\n\r\n2");
        assertThat(written(backend())).startsWith("GET /3 HTTP/1.1\r\n");
        send(backend(), "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3");
        assertThat(written(client)).endsWith("\r\n\r\n3");
        assertThat(client.config().isAutoRead()).isTrue();
        assertThat(backends).hasSize(1);
    }

    private static AtomicInteger countFlushes(EmbeddedChannel channel) {
        return countFlushes(channel, new AtomicInteger());
    }

    private static AtomicInteger countFlushes(EmbeddedChannel channel, AtomicInteger flushes) {
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        return flushes;
    }

    private EmbeddedChannel backend() {
        assertThat(backends).isNotEmpty();
        return backends.get(backends.size() - 1);
    }
}
