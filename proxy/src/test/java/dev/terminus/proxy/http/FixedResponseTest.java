package dev.terminus.proxy.http;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static dev.terminus.proxy.http.EmbeddedHttp.send;
import static dev.terminus.proxy.http.EmbeddedHttp.written;
import static org.assertj.core.api.Assertions.assertThat;

class FixedResponseTest {

    private static final Routes HELLO =
            request -> new RouteAction.FixedResponse(503, "text/plain", "maintenance\n");

    @Test
    void getAnswersStatusTypeLengthAndBody() {
        EmbeddedChannel ch = EmbeddedHttp.http1(HELLO);
        send(ch, "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");

        String out = written(ch);
        assertThat(out).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .containsIgnoringCase("content-type: text/plain\r\n")
                .containsIgnoringCase("content-length: 12\r\n")
                .endsWith("\r\n\r\nmaintenance\n")
                .doesNotContainIgnoringCase("connection:");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void preparedAnswerIsWholeForEveryRequestOfAConnection() {
        // One action object for every request, as a listener's routes hand it out: the answer is
        // prepared once, and each response must still carry the whole body (UTF-8, counted in bytes).
        RouteAction.FixedResponse shared = new RouteAction.FixedResponse(200, "text/plain; charset=utf-8", "caf\u00e9");
        EmbeddedChannel ch = EmbeddedHttp.http1(request -> shared);
        String body = new String("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);

        for (String method : new String[] {"GET", "HEAD", "GET", "GET"}) {
            send(ch, method + " / HTTP/1.1\r\nHost: a.test\r\n\r\n");
            String out = written(ch);
            assertThat(out).as(method).startsWith("HTTP/1.1 200 OK\r\n")
                    .containsIgnoringCase("content-type: text/plain; charset=utf-8\r\n")
                    .containsIgnoringCase("content-length: 5\r\n")
                    .endsWith(method.equals("HEAD") ? "\r\n\r\n" : "\r\n\r\n" + body);
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void headAnswersLengthWithoutBody() {
        EmbeddedChannel ch = EmbeddedHttp.http1(HELLO);
        send(ch, "HEAD / HTTP/1.1\r\nHost: a.test\r\n\r\n");

        String out = written(ch);
        assertThat(out).containsIgnoringCase("content-length: 12\r\n").endsWith("\r\n\r\n");
        assertThat(out).doesNotContain("maintenance");
        ch.finishAndReleaseAll();
    }

    @Test
    void keepAliveServesPipelinedRequestsInOrderOnOneConnection() {
        EmbeddedChannel ch = EmbeddedHttp.http1(request ->
                new RouteAction.FixedResponse(200, "text/plain", request.uri()));
        // A body on the first request must be consumed, not mistaken for the next request.
        send(ch, "POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody"
                + "GET /two HTTP/1.1\r\nHost: a\r\n\r\n");

        String out = written(ch);
        assertThat(out).containsSubsequence("HTTP/1.1 200 OK", "/one", "HTTP/1.1 200 OK", "/two");
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void connectionCloseIsHonoured() {
        EmbeddedChannel ch = EmbeddedHttp.http1(HELLO);
        send(ch, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertThat(written(ch)).containsIgnoringCase("connection: close\r\n");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void http10ClosesUnlessKeepAliveAsked() {
        EmbeddedChannel closing = EmbeddedHttp.http1(HELLO);
        send(closing, "GET / HTTP/1.0\r\n\r\n");
        assertThat(written(closing)).startsWith("HTTP/1.1 503");
        assertThat(closing.isOpen()).isFalse();
        closing.finishAndReleaseAll();

        EmbeddedChannel kept = EmbeddedHttp.http1(HELLO);
        send(kept, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertThat(written(kept)).containsIgnoringCase("connection: keep-alive\r\n");
        assertThat(kept.isOpen()).isTrue();
        kept.finishAndReleaseAll();
    }

    @Test
    void noContentStatusSendsNeitherBodyNorLength() {
        EmbeddedChannel ch = EmbeddedHttp.http1(request -> new RouteAction.FixedResponse(204, "text/plain", "x"));
        send(ch, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");

        String out = written(ch);
        assertThat(out).startsWith("HTTP/1.1 204 No Content\r\n").endsWith("\r\n\r\n")
                .doesNotContainIgnoringCase("content-length");
        ch.finishAndReleaseAll();
    }

    @Test
    void oversizedHeadersGet431NamingTheCauseAndClose() {
        EmbeddedChannel ch = EmbeddedHttp.http1(HELLO, HttpLimits.defaults(), EmbeddedHttp.NO_BACKEND);
        send(ch, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");

        String out = written(ch);
        assertThat(out).startsWith("HTTP/1.1 431 ")
                .containsIgnoringCase("x-terminus-error: headers-too-large\r\n")
                .contains("header fields are too large");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void garbageGets400() {
        EmbeddedChannel ch = EmbeddedHttp.http1(HELLO);
        send(ch, "GET / HTTP/1.1\r\nHost: a\r\nbad header without colon\r\n\r\n");

        assertThat(written(ch)).startsWith("HTTP/1.1 400 ").containsIgnoringCase("x-terminus-error: bad-request");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }
}
