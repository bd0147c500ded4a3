package dev.terminus.proxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terminus.proxy.accesslog.AccessLog;
import dev.terminus.proxy.config.ProxyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static dev.terminus.proxy.http.EmbeddedHttp.send;
import static dev.terminus.proxy.http.EmbeddedHttp.written;
import static org.assertj.core.api.Assertions.assertThat;

/** Lines for pipelined requests, for a client that leaves mid-exchange, and none while the log is off. */
class AccessLogHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-07T08:09:10.011Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    AccessLog log;
    Path file;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private EmbeddedChannel channel(Routes routes, UpstreamPool.Connector connector) {
        file = dir.resolve("access.log");
        log = AccessLog.create(CLOCK, new SimpleMeterRegistry());
        log.apply(new ProxyConfig.AccessLogConfig(true, file));
        EmbeddedChannel ch = new EmbeddedChannel();
        HttpPipelines.configure(ch.pipeline(), null, EmbeddedHttp.TLS_CLIENT, routes, HttpLimits.defaults(),
                RequestIds.defaults(), HttpState.unregistered(), log, connector);
        return ch;
    }

    /** Closes the log, which writes everything queued, and reads the lines back. */
    private List<JsonNode> lines() throws Exception {
        log.close();
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void pipelinedRequestsGetOneLineEachInOrder() throws Exception {
        EmbeddedChannel ch = channel(request -> new RouteAction.FixedResponse(200, "text/plain", request.uri()),
                EmbeddedHttp.NO_BACKEND);
        send(ch, "POST /one HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\n\r\nbody"
                + "HEAD /two?x HTTP/1.0\r\nHost: b.test\r\nConnection: keep-alive\r\n\r\n");
        assertThat(written(ch)).contains("/one");
        ch.finishAndReleaseAll();

        List<JsonNode> lines = lines();

        assertThat(lines).hasSize(2);
        JsonNode one = lines.get(0);
        assertThat(one.get("time").asText()).isEqualTo("2025-06-07T08:09:10.011Z");
        assertThat(one.get("method").asText()).isEqualTo("POST");
        assertThat(one.get("host").asText()).isEqualTo("a.test");
        assertThat(one.get("bytes_in").asLong()).isEqualTo(4);
        assertThat(one.get("bytes_out").asLong()).isEqualTo(4);
        assertThat(one.get("http_version").asText()).isEqualTo("HTTP/1.1");
        assertThat(one.get("client").asText()).isEqualTo("192.0.2.7");
        assertThat(one.get("sni").asText()).isEqualTo("example.test");
        JsonNode two = lines.get(1);
        assertThat(two.get("method").asText()).isEqualTo("HEAD");
        assertThat(two.get("path").asText()).isEqualTo("/two");
        assertThat(two.get("query").asText()).isEqualTo("x");
        assertThat(two.get("http_version").asText()).isEqualTo("HTTP/1.0");
        assertThat(two.get("bytes_out").asLong()).as("a HEAD answer has no body").isZero();
        assertThat(two.get("status").asInt()).isEqualTo(200);
    }

    @Test
    void aWebSocketUpgradeIsLoggedWithItsStatus101() throws Exception {
        List<EmbeddedChannel> backends = new ArrayList<>();
        EmbeddedChannel ch = channel(request -> new RouteAction.Forward("192.0.2.99", 8080),
                EmbeddedHttp.backendsInto(backends));
        send(ch, "GET /chat HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertThat(written(backends.get(0))).containsIgnoringCase("upgrade: websocket");
        send(backends.get(0), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        assertThat(written(ch)).startsWith("HTTP/1.1 101 ");
        // Tunnel bytes after the 101 are not HTTP and make no further line.
        send(ch, "\u0081\u0002hi");
        ch.finishAndReleaseAll();
        backends.forEach(EmbeddedChannel::finishAndReleaseAll);

        List<JsonNode> lines = lines();

        assertThat(lines).hasSize(1);
        JsonNode line = lines.get(0);
        assertThat(line.get("status").asInt()).isEqualTo(101);
        assertThat(line.get("error").isNull()).as(line.toString()).isTrue();
        assertThat(line.get("target").asText()).isEqualTo("192.0.2.99:8080");
    }

    @Test
    void aClientThatLeavesWhileTheBackendConnectsIsLoggedAsClientClosed() throws Exception {
        EmbeddedChannel ch = channel(request -> new RouteAction.Forward("192.0.2.99", 8080),
                (downstream, target, init, limits) -> downstream.newPromise());
        send(ch, "GET /slow HTTP/1.1\r\nHost: a.test\r\n\r\n");

        ch.close();
        ch.finishAndReleaseAll();
        List<JsonNode> lines = lines();

        assertThat(lines).hasSize(1);
        JsonNode line = lines.get(0);
        assertThat(line.get("status").asInt()).isZero();
        assertThat(line.get("error").asText()).isEqualTo("client-closed");
        assertThat(line.get("target").asText()).isEqualTo("192.0.2.99:8080");
        assertThat(line.get("target_group").isNull()).isTrue();
        assertThat(line.get("connect_ms").isNull()).as("never connected").isTrue();
        assertThat(line.get("response_ms").isNull()).isTrue();
    }

    @Test
    void nothingIsLoggedWhileTheLogIsOff() throws Exception {
        EmbeddedChannel ch = channel(request -> new RouteAction.FixedResponse(200, "text/plain", "x"),
                EmbeddedHttp.NO_BACKEND);
        log.apply(ProxyConfig.AccessLogConfig.OFF);
        send(ch, "GET /quiet HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(written(ch)).startsWith("HTTP/1.1 200");
        log.apply(new ProxyConfig.AccessLogConfig(true, file));
        send(ch, "GET /loud HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(written(ch)).startsWith("HTTP/1.1 200");
        ch.finishAndReleaseAll();

        List<JsonNode> lines = lines();

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).get("path").asText()).isEqualTo("/loud");
    }
}
