package dev.terminus.proxy.http;

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

/**
 * The re-armed deadline behind the request-header and response timeouts, on an embedded event
 * loop whose clock only moves when told: a cancelled deadline never fires, a re-armed one fires
 * its full delay after the last arm, whatever check was already scheduled.
 */
class DeadlineTimerTest {

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final List<EmbeddedChannel> backends = new ArrayList<>();
    private EmbeddedChannel client;
    private final AtomicInteger fired = new AtomicInteger();

    @AfterEach
    void releaseAll() {
        loop.finishAndReleaseAll();
        if (client != null) {
            client.finishAndReleaseAll();
        }
        backends.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private DeadlineTimer timer() {
        loop.freezeTime();
        return new DeadlineTimer(loop.eventLoop(), fired::incrementAndGet);
    }

    private static void advance(EmbeddedChannel channel, long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void firesOnceAtTheDeadline() {
        DeadlineTimer timer = timer();
        timer.arm(1_000);

        advance(loop, 999);
        assertThat(fired).hasValue(0);
        advance(loop, 1);
        assertThat(fired).hasValue(1);
        assertThat(timer.armed()).isFalse();
        advance(loop, 5_000);
        assertThat(fired).hasValue(1);
    }

    @Test
    void cancelledDeadlineNeverFires() {
        DeadlineTimer timer = timer();
        timer.arm(1_000);
        advance(loop, 500);
        timer.cancel();

        advance(loop, 5_000);
        assertThat(fired).hasValue(0);
    }

    @Test
    void rearmedDeadlineCountsFromTheLastArm() {
        DeadlineTimer timer = timer();
        timer.arm(1_000);
        advance(loop, 600);
        timer.cancel();
        advance(loop, 100);
        timer.arm(1_000);

        // The check scheduled by the first arm runs at 1000 ms and finds 700 ms left.
        advance(loop, 999);
        assertThat(fired).hasValue(0);
        advance(loop, 1);
        assertThat(fired).hasValue(1);
    }

    @Test
    void shorterDelayIsNotHeldBackByALaterCheck() {
        DeadlineTimer timer = timer();
        timer.arm(10_000);
        timer.arm(1_000);

        advance(loop, 1_000);
        assertThat(fired).hasValue(1);
    }

    @Test
    void stoppedTimerLeavesNoScheduledCheck() {
        DeadlineTimer timer = timer();
        timer.arm(1_000);
        timer.stop();

        assertThat(loop.runScheduledPendingTasks()).as("next scheduled task, -1 for none").isEqualTo(-1);
        assertThat(fired).hasValue(0);
    }

    @Test
    void responseTimeoutOfAKeptAliveConnectionCountsFromItsOwnRequest() {
        RouteAction.Forward backend = new RouteAction.Forward("10.0.0.9", 8080);
        HttpLimits limits = HttpLimits.defaults().withResponseTimeoutMillis(1_000);
        client = new EmbeddedChannel();
        client.freezeTime();
        HttpPipelines.configure(client.pipeline(), null, EmbeddedHttp.TLS_CLIENT, request -> backend, limits,
                EmbeddedHttp.backendsInto(backends, backend));

        send(client, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        advance(client, 600);
        send(backends.get(0), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n");

        advance(client, 100);
        send(client, "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(written(backends.get(0))).contains("GET /2 HTTP/1.1");
        // The first request's check, due at 1000 ms, must not time out the second one (sent at 700 ms).
        advance(client, 999);
        assertThat(written(client)).isEmpty();
        advance(client, 1);
        assertThat(written(client)).startsWith("HTTP/1.1 504 Gateway Timeout\r\n");
    }
}
