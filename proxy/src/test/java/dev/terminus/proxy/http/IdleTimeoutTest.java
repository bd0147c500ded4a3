package dev.terminus.proxy.http;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.terminus.proxy.http.EmbeddedHttp.send;
import static dev.terminus.proxy.http.EmbeddedHttp.written;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idle timeout on embedded channels whose clocks only move when told: a downstream
 * connection closes once it carried no bytes either way for the timeout, counted from its last
 * read or write; a backend connection closes once it waited in the pool that long, and never
 * while a request uses it.
 */
class IdleTimeoutTest {

    private static final int IDLE_MILLIS = 1_000;
    private static final RouteAction.Forward BACKEND = new RouteAction.Forward("10.0.0.9", 8080);
    private static final RouteAction.FixedResponse OK = new RouteAction.FixedResponse(200, "text/plain", "ok");
    private static final HttpLimits LIMITS = HttpLimits.defaults().withIdleTimeoutMillis(IDLE_MILLIS);
    private static final String GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final String BACKEND_OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final List<EmbeddedChannel> backends = new ArrayList<>();
    private EmbeddedChannel client;

    @AfterEach
    void releaseAll() {
        client.finishAndReleaseAll();
        backends.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** Builds the downstream connection with its clock stopped first, so that it starts the idle time at "now". */
    private EmbeddedChannel client(Routes routes) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        HttpPipelines.configure(channel.pipeline(), null, EmbeddedHttp.TLS_CLIENT, routes, LIMITS,
                EmbeddedHttp.backendsInto(backends, BACKEND));
        return channel;
    }

    private static void advance(EmbeddedChannel channel, long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void silentConnectionClosesAtTheIdleTimeout() {
        client = client(request -> OK);

        advance(client, IDLE_MILLIS - 1);
        assertThat(client.isOpen()).isTrue();
        advance(client, 1);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void requestAndResponseStartTheIdleTimeAgain() {
        client = client(request -> OK);
        advance(client, 600);
        send(client, GET);
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n");

        // Due at 1000 ms from the start, the timer finds activity at 600 ms and waits for what is left.
        advance(client, IDLE_MILLIS - 1);
        assertThat(client.isOpen()).isTrue();
        advance(client, 1);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void responseBytesAloneCountAsActivity() {
        client = client(request -> BACKEND);
        send(client, GET);
        EmbeddedChannel backend = backends.get(0);
        written(backend);

        // The client says nothing more; the backend answers late, and the answer keeps the connection.
        advance(client, 900);
        send(backend, BACKEND_OK);
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("ok");
        advance(client, IDLE_MILLIS - 1);
        assertThat(client.isOpen()).isTrue();
        advance(client, 1);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void pooledBackendConnectionClosesAfterWaitingTheIdleTimeout() {
        EmbeddedChannel backend = oneExchangeOnAFrozenBackend();

        advance(backend, IDLE_MILLIS - 1);
        assertThat(backend.isOpen()).isTrue();
        advance(backend, 1);
        assertThat(backend.isOpen()).isFalse();
        // Only the backend connection was idle long enough: the client keeps its own.
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void backendConnectionInUseIsNotClosedByTheIdleTimeout() {
        EmbeddedChannel backend = oneExchangeOnAFrozenBackend();

        // Back from the pool at 500 ms, then a slow response: busy past the pool's idle deadline.
        advance(backend, 500);
        send(client, GET);
        assertThat(written(backend)).startsWith("GET / HTTP/1.1\r\n");
        advance(backend, 2 * IDLE_MILLIS);
        assertThat(backend.isOpen()).isTrue();

        // Released again: the idle time starts over from this release.
        send(backend, BACKEND_OK);
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(backends).hasSize(1);
        advance(backend, IDLE_MILLIS - 1);
        assertThat(backend.isOpen()).isTrue();
        advance(backend, 1);
        assertThat(backend.isOpen()).isFalse();
    }

    /** Forwards one request and its response; returns the backend connection, its clock frozen. */
    private EmbeddedChannel oneExchangeOnAFrozenBackend() {
        client = client(request -> BACKEND);
        send(client, GET);
        EmbeddedChannel backend = backends.get(0);
        backend.freezeTime();
        written(backend);
        send(backend, BACKEND_OK);
        written(client);
        return backend;
    }
}
