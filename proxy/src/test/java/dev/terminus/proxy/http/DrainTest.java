package dev.terminus.proxy.http;

import dev.terminus.proxy.accesslog.AccessLog;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.terminus.proxy.http.EmbeddedHttp.send;
import static dev.terminus.proxy.http.EmbeddedHttp.written;
import static org.assertj.core.api.Assertions.assertThat;

/** What a drain does to one HTTP/1.1 connection, on embedded channels. */
class DrainTest {

    private static final RouteAction.Forward BACKEND = new RouteAction.Forward("10.0.0.9", 8080);

    private final HttpState shared = HttpState.unregistered();
    private final List<EmbeddedChannel> backends = new ArrayList<>();
    private final EmbeddedChannel client = new EmbeddedChannel();

    DrainTest() {
        HttpPipelines.configure(client.pipeline(), null, EmbeddedHttp.TLS_CLIENT, request -> BACKEND,
                HttpLimits.defaults(), RequestIds.defaults(), shared, AccessLog.off(),
                EmbeddedHttp.backendsInto(backends));
    }

    @AfterEach
    void releaseAll() {
        client.finishAndReleaseAll();
        backends.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void idleKeptAliveConnectionClosesAtOnce() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        send(backends.get(0), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(written(client)).doesNotContainIgnoringCase("connection: close");
        assertThat(client.isOpen()).isTrue();

        HttpPipelines.drain(client);
        client.runPendingTasks();

        assertThat(client.isOpen()).isFalse();
        assertThat(written(client)).isEmpty();
    }

    @Test
    void busyConnectionAnswersWithConnectionCloseThenCloses() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        HttpPipelines.drain(client);
        client.runPendingTasks();
        assertThat(client.isOpen()).as("the request in flight finishes").isTrue();

        send(backends.get(0), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close\r\n")
                .endsWith("ok");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void drainingStateClosesEvenBeforeTheConnectionIsTold() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        shared.startDraining();
        send(backends.get(0), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        assertThat(written(client)).containsIgnoringCase("connection: close\r\n").endsWith("ok");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void responseWhoseHeadLeftBeforeTheDrainStillClosesAfterItsEnd() {
        send(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        send(backends.get(0), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n");
        assertThat(written(client)).doesNotContainIgnoringCase("connection: close");

        HttpPipelines.drain(client);
        client.runPendingTasks();
        assertThat(client.isOpen()).isTrue();
        send(backends.get(0), "0\r\n\r\n");

        assertThat(written(client)).endsWith("0\r\n\r\n");
        assertThat(client.isOpen()).isFalse();
    }
}
