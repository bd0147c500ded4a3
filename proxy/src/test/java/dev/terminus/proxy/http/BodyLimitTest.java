package dev.terminus.proxy.http;

import dev.terminus.proxy.accesslog.AccessLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.terminus.proxy.http.EmbeddedHttp.send;
import static dev.terminus.proxy.http.EmbeddedHttp.written;
import static org.assertj.core.api.Assertions.assertThat;

/** max-body-size on embedded channels: declared lengths, Expect: 100-continue, and chunked bodies counted while streaming. */
class BodyLimitTest {

    private static final RouteAction.Forward BACKEND = new RouteAction.Forward("10.0.0.9", 8080);
    private static final HttpLimits LIMITS = HttpLimits.defaults().withMaxBodySize(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<EmbeddedChannel> backends = new ArrayList<>();
    private final EmbeddedChannel client = new EmbeddedChannel();

    BodyLimitTest() {
        HttpPipelines.configure(client.pipeline(), null, EmbeddedHttp.TLS_CLIENT, request -> BACKEND, LIMITS,
                RequestIds.defaults(), new HttpState(registry), AccessLog.off(), EmbeddedHttp.backendsInto(backends));
    }

    @AfterEach
    void releaseAll() {
        client.finishAndReleaseAll();
        backends.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private double refused() {
        return registry.get("terminus.http.proxy.errors").tag("code", "body-too-large").counter().count();
    }

    private static void assert413(String answer) {
        assertThat(answer).startsWith("HTTP/1.1 413 ")
                .containsIgnoringCase("x-terminus-error: body-too-large\r\n")
                .containsIgnoringCase("connection: close\r\n")
                .endsWith("the request body is larger than the proxy accepts\n");
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeAnythingIsForwarded() {
        send(client, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n01234567890");

        assert413(written(client));
        assertThat(backends).isEmpty();
        assertThat(client.isOpen()).isFalse();
        assertThat(refused()).isEqualTo(1.0);
    }

    @Test
    void expectContinueGets413InsteadOf100() {
        send(client, "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n");

        String answer = written(client);
        assert413(answer);
        assertThat(answer).doesNotContain("100 Continue");
        assertThat(backends).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void bodyAtTheLimitIsForwarded() {
        send(client, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789");

        assertThat(written(backends.get(0))).endsWith("\r\n\r\n0123456789");
        send(backends.get(0), "HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(written(client)).startsWith("HTTP/1.1 204 ");
        assertThat(client.isOpen()).isTrue();
        assertThat(refused()).isZero();
    }

    @Test
    void chunkedBodyOverTheLimitBeforeTheResponseGets413AndClosesBothSides() {
        send(client, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n");
        EmbeddedChannel backend = backends.get(0);
        assertThat(written(backend)).contains("6\r\nabcdef\r\n");

        send(client, "5\r\nghijk\r\n");

        assert413(written(client));
        assertThat(client.isOpen()).isFalse();
        assertThat(backend.isOpen()).as("the backend connection holds half a body: it cannot be reused").isFalse();
        assertThat(written(backend)).doesNotContain("ghijk");
        assertThat(refused()).isEqualTo(1.0);
    }

    @Test
    void chunkedBodyOverTheLimitAfterTheResponseHeadCutsTheExchange() {
        send(client, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n");
        EmbeddedChannel backend = backends.get(0);
        written(backend);
        send(backend, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n");
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("2\r\nok\r\n");

        send(client, "5\r\nghijk\r\n");

        assertThat(written(client)).as("no second status line in the middle of a body").isEmpty();
        assertThat(client.isOpen()).as("the cut tells the client the response is incomplete").isFalse();
        assertThat(backend.isOpen()).isFalse();
        assertThat(refused()).isEqualTo(1.0);
    }

    @Test
    void bodyOfARequestAnsweredAlreadyStillCounts() {
        EmbeddedChannel fixed = new EmbeddedChannel();
        HttpPipelines.configure(fixed.pipeline(), null, EmbeddedHttp.TLS_CLIENT,
                request -> new RouteAction.FixedResponse(200, "text/plain", "ok"), LIMITS, RequestIds.defaults(),
                new HttpState(registry), AccessLog.off(), EmbeddedHttp.NO_BACKEND);
        try {
            send(fixed, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertThat(written(fixed)).startsWith("HTTP/1.1 200 OK");
            send(fixed, "b\r\n0123456789a\r\n");
            assertThat(fixed.isOpen()).isFalse();
        } finally {
            fixed.finishAndReleaseAll();
        }
    }
}
