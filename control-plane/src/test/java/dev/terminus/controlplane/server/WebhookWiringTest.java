package dev.terminus.controlplane.server;

import com.sun.net.httpserver.HttpServer;
import dev.terminus.controlplane.testing.ControlPlaneFixture;
import dev.terminus.controlplane.webhooks.WebhookTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A configured webhook receives the events of API calls, delivered by the server's own timer. */
class WebhookWiringTest {
    @TempDir
    Path dir;

    @Test
    void requestThroughTheApiIsDeliveredToTheWebhook() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("X-Terminus-Event-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        try (ControlPlaneFixture cp = new ControlPlaneFixture(dir.resolve("data"),
                c -> c.withWebhooks(List.of(WebhookTarget.of("ops", url)), Duration.ofMillis(100)))) {
            String arn = new com.fasterxml.jackson.databind.ObjectMapper().readTree(cp.send("POST",
                    "/v1/certificates", cp.firstAdminToken(),
                    "{\"region\":\"eu-west-1\",\"domainName\":\"hooked.example.com\",\"keyAlgorithm\":\"EC_prime256v1\"}")
                    .body()).path("certificateArn").asText();
            String event = received.poll(30, TimeUnit.SECONDS);
            assertThat(event).as("an event within 30 s").isNotNull().contains(arn);
            assertThat(cp.plane.webhooks().status()).singleElement()
                    .satisfies(s -> assertThat(s.consecutiveFailures()).isZero());
        } finally {
            receiver.stop(0);
        }
    }
}
