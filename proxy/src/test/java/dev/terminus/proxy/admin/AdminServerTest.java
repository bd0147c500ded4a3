package dev.terminus.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives every admin endpoint over loopback with {@link HttpClient} and raw sockets. */
class AdminServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private AdminFixture admin;

    @BeforeEach
    void start() {
        admin = new AdminFixture(AdminFixture.Transport.NIO);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void healthzSaysOkWhenLive() throws Exception {
        HttpResponse<String> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void healthzIs503WhenNotLive() throws Exception {
        admin.backend.live = false;

        assertThat(get("/healthz").statusCode()).isEqualTo(503);
    }

    @Test
    void healthzIgnoresTheQueryString() throws Exception {
        assertThat(get("/healthz?verbose=1").statusCode()).isEqualTo(200);
    }

    @Test
    void readyzReportsReadyWithNotes() throws Exception {
        admin.backend.readiness = new AdminBackend.Readiness(true, List.of("tls: OpenSSL (BoringSSL)"));

        HttpResponse<String> response = get("/readyz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(response.body()))
                .isEqualTo(JSON.readTree("{\"ready\":true,\"notes\":[\"tls: OpenSSL (BoringSSL)\"]}"));
    }

    @Test
    void readyzIs503WhenNotReady() throws Exception {
        admin.backend.readiness = new AdminBackend.Readiness(false,
                List.of("listener https-443 has no certificate", "tls: JDK provider (fallback)"));

        HttpResponse<String> response = get("/readyz");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("ready").asBoolean()).isFalse();
        assertThat(body.get("notes")).hasSize(2);
        assertThat(body.get("notes").get(0).asText()).isEqualTo("listener https-443 has no certificate");
    }

    @Test
    void metricsServesPrometheusText() throws Exception {
        admin.testCounter.increment(3);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE terminus_test_requests_total counter")
                .contains("terminus_test_requests_total{listener=\"https-443\"} 3.0")
                .doesNotContain("# EOF");
    }

    @Test
    void metricsServesOpenMetricsWhenAsked() throws Exception {
        admin.testCounter.increment();
        // What Prometheus 2.x sends when scraping.
        String accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

        HttpResponse<String> response = client.send(request("/metrics").header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.body())
                .contains("terminus_test_requests_total{listener=\"https-443\"} 1.0")
                .endsWith("# EOF\n");
    }

    @Test
    void metricsCountsAdminRequests() throws Exception {
        get("/healthz");
        get("/nope");

        assertThat(get("/metrics").body())
                .contains("terminus_admin_requests_total{endpoint=\"healthz\",status=\"200\"} 1.0")
                .contains("terminus_admin_requests_total{endpoint=\"unmatched\",status=\"404\"} 1.0");
    }

    @Test
    void certificatesListsTheInventoryWithoutKeys() throws Exception {
        HttpResponse<String> response = get("/certificates");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.isArray()).isTrue();
        assertThat(body).hasSize(2);
        JsonNode first = body.get(0);
        assertThat(first).isEqualTo(JSON.readTree("""
                {"listener":"https-443","names":["example.com","www.example.com"],"serial":"0a1b2c",
                 "keyType":"EC_prime256v1","notAfter":"2030-01-02T03:04:05Z",
                 "source":"config/certs/example.com.pem","isDefault":true}"""));
        assertThat(body.get(1).get("notAfter").asText()).isEqualTo("2029-06-30T00:00:00Z");
        assertThat(body.get(1).get("isDefault").asBoolean()).isFalse();
        assertThat(response.body()).doesNotContainIgnoringCase("PRIVATE KEY");
    }

    @Test
    void certificatesIsAnEmptyArrayWhenNoneServed() throws Exception {
        admin.backend.certificates = List.of();

        assertThat(get("/certificates").body()).isEqualTo("[]");
    }

    @Test
    void reloadRunsOffTheEventLoopAndAnswers200() throws Exception {
        HttpResponse<String> response = post("/admin/reload");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()))
                .isEqualTo(JSON.readTree("{\"ok\":true,\"message\":\"reloaded 2 certificates\"}"));
        assertThat(admin.backend.reloadThreadName)
                .startsWith(AdminFixture.BLOCKING_THREAD_PREFIX)
                .doesNotStartWith(AdminFixture.LOOP_THREAD_PREFIX);
        assertThat(admin.backend.reloadRanOnEventLoop).isFalse();
    }

    @Test
    void refusedReloadAnswers422() throws Exception {
        admin.backend.reloadResult = new AdminBackend.ReloadResult(false,
                "config/proxy.yaml: listeners[0].port: 70000 (expected: 1-65535)");

        HttpResponse<String> response = post("/admin/reload");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(
                "{\"ok\":false,\"message\":\"config/proxy.yaml: listeners[0].port: 70000 (expected: 1-65535)\"}"));
    }

    @Test
    void reloadThatThrowsAnswers500WithOkFalse() throws Exception {
        admin.backend.reloadThrows = new IllegalStateException("disk on fire");

        HttpResponse<String> response = post("/admin/reload");

        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("ok").asBoolean()).isFalse();
        assertThat(body.get("message").asText()).contains("disk on fire");
    }

    @Test
    void targetsListsGroupsAndTargetsWithTheirState() throws Exception {
        admin.backend.targets = List.of(new AdminBackend.TargetGroupInfo("web", "round-robin", "fail-open", 1, List.of(
                new AdminBackend.TargetInfo("10.0.0.1:8080", "healthy",
                        new AdminBackend.CheckInfo(true, Instant.parse("2025-01-02T03:04:05.678Z"), "status 200"),
                        3, 2, false),
                new AdminBackend.TargetInfo("10.0.0.2:8080", "unhealthy", null, 0, 0, true))));

        HttpResponse<String> response = get("/targets");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
                {"targetGroups":[{"name":"web","algorithm":"round-robin","onNoHealthy":"fail-open",
                  "healthyTargets":1,"targets":[
                    {"id":"10.0.0.1:8080","health":"healthy",
                     "lastCheck":{"ok":true,"time":"2025-01-02T03:04:05.678Z","detail":"status 200"},
                     "outstandingRequests":3,"connections":2,"draining":false},
                    {"id":"10.0.0.2:8080","health":"unhealthy","lastCheck":null,
                     "outstandingRequests":0,"connections":0,"draining":true}]}]}"""));
    }

    @Test
    void targetsIsAnEmptyListWithoutGroups() throws Exception {
        assertThat(JSON.readTree(get("/targets").body())).isEqualTo(JSON.readTree("{\"targetGroups\":[]}"));
    }

    @Test
    void reopenLogsRunsOffTheEventLoopAndReportsItsResult() throws Exception {
        HttpResponse<String> ok = post("/admin/reopen-logs");

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body())).isEqualTo(JSON.readTree(
                "{\"ok\":true,\"message\":\"reopened /var/log/terminus/access.log\"}"));
        assertThat(admin.backend.reopenThreadName).startsWith(AdminFixture.BLOCKING_THREAD_PREFIX);
        assertThat(admin.backend.reopenRanOnEventLoop).isFalse();

        admin.backend.reopenResult = new AdminBackend.ReloadResult(false, "cannot open access log x: denied");
        HttpResponse<String> failed = post("/admin/reopen-logs");
        assertThat(failed.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(failed.body()).get("message").asText()).contains("denied");

        HttpResponse<String> wrongMethod = get("/admin/reopen-logs");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/admin").statusCode()).isEqualTo(404);
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> postHealthz = post("/healthz");
        HttpResponse<String> getReload = get("/admin/reload");
        HttpResponse<String> deleteCertificates = client.send(request("/certificates").DELETE().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(postHealthz.statusCode()).isEqualTo(405);
        assertThat(postHealthz.headers().firstValue("allow")).hasValue("GET");
        assertThat(getReload.statusCode()).isEqualTo(405);
        assertThat(getReload.headers().firstValue("allow")).hasValue("POST");
        assertThat(deleteCertificates.statusCode()).isEqualTo(405);
        assertThat(deleteCertificates.headers().firstValue("allow")).hasValue("GET");
        assertThat(admin.backend.reloadThreadName).as("GET must not reload").isNull();
    }

    @Test
    void keepsTheConnectionAliveAcrossRequests() throws Exception {
        try (RawHttp http = new RawHttp(admin.server.port())) {
            for (String path : List.of("/healthz", "/readyz", "/certificates", "/metrics")) {
                http.send("GET " + path + " HTTP/1.1\r\nHost: admin\r\n\r\n");
                RawHttp.Response response = http.read();
                assertThat(response.status()).as(path).isEqualTo(200);
                assertThat(response.header("connection")).as(path).isNull();
            }
        }
    }

    @Test
    void answersPipelinedRequestsInOrderAcrossAReload() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        admin.backend.reloadGate = gate;
        try (RawHttp http = new RawHttp(admin.server.port())) {
            http.send("POST /admin/reload HTTP/1.1\r\nHost: admin\r\nContent-Length: 0\r\n\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: admin\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: admin\r\n\r\n");
            assertThat(admin.backend.reloadEntered.await(10, TimeUnit.SECONDS)).isTrue();
            gate.countDown();

            RawHttp.Response reload = http.read();
            RawHttp.Response healthz = http.read();
            RawHttp.Response nope = http.read();

            assertThat(reload.status()).isEqualTo(200);
            assertThat(reload.body()).contains("\"ok\":true");
            assertThat(healthz.status()).isEqualTo(200);
            assertThat(healthz.body()).isEqualTo("ok");
            assertThat(nope.status()).isEqualTo(404);
            // Still usable after the queue drained.
            http.send("GET /healthz HTTP/1.1\r\nHost: admin\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
        }
    }

    @Test
    void closesTheConnectionWhenTheClientAsks() throws Exception {
        try (RawHttp http = new RawHttp(admin.server.port())) {
            http.send("GET /healthz HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

            RawHttp.Response response = http.read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void keepsHttp10AliveOnlyWhenAsked() throws Exception {
        try (RawHttp http = new RawHttp(admin.server.port())) {
            http.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(http.read().header("connection")).isEqualToIgnoringCase("keep-alive");

            http.send("GET /healthz HTTP/1.0\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void answersGarbageWith400AndCloses() throws Exception {
        try (RawHttp http = new RawHttp(admin.server.port())) {
            http.send("NOT HTTP AT ALL\r\n\r\n");

            assertThat(http.read().status()).isEqualTo(400);
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void closeClosesOpenAdminConnections() throws Exception {
        try (RawHttp http = new RawHttp(admin.server.port())) {
            http.send("GET /healthz HTTP/1.1\r\nHost: admin\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);

            admin.server.close();

            assertThat(http.closedByServer()).isTrue();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(admin.uri(path)).timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return client.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
