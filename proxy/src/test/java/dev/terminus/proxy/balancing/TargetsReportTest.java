package dev.terminus.proxy.balancing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terminus.proxy.testing.Commands;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.terminus.proxy.balancing.LbRig.HOST;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /targets and the per-target metrics through the whole proxy, with real backends and curl. */
class TargetsReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    final List<AutoCloseable> closing = new ArrayList<>();
    final ExecutorService clients = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "curl-client");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        clients.shutdownNow();
    }

    private Backend backend(String name) throws Exception {
        Backend b = new Backend(name);
        closing.add(b);
        return b;
    }

    private static JsonNode targets(ProxyRig rig) throws Exception {
        HttpResponse<String> r = rig.admin("/targets");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    private static JsonNode group(JsonNode report, String name) {
        for (JsonNode g : report.get("targetGroups")) {
            if (g.get("name").asText().equals(name)) {
                return g;
            }
        }
        throw new AssertionError("no group " + name + " in " + report);
    }

    private static JsonNode target(JsonNode group, Backend b) {
        for (JsonNode t : group.get("targets")) {
            if (t.get("id").asText().equals("127.0.0.1:" + b.port())) {
                return t;
            }
        }
        throw new AssertionError("no target " + b.name + " in " + group);
    }

    private static boolean passed(JsonNode target) {
        JsonNode check = target.get("lastCheck");
        return !check.isNull() && check.get("ok").asBoolean();
    }

    /** Polls /targets until {@code condition} holds, for at most 15 seconds; returns that report. */
    private static JsonNode awaitTargets(ProxyRig rig, String what, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            JsonNode report = targets(rig);
            if (condition.test(report)) {
                return report;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last report: " + report);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Returns the value of the one Prometheus sample of {@code name} carrying all {@code labels}. */
    private static double sample(String scrape, String name, String... labels) {
        List<Double> found = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            String labelText = line.substring(0, line.lastIndexOf('}') + 1);
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= labelText.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                found.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        assertThat(found).as(name + " " + List.of(labels)).hasSize(1);
        return found.get(0);
    }

    @Test
    void reportsHealthRequestsInFlightConnectionsAndDrainingAsJsonAndMetrics() throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Files2 cert = pki.ecdsa("lb", HOST);
        Backend a = backend("a");
        Backend b = backend("b");
        String listener = LbRig.tlsListener("https", cert, "default-action: { forward: { target-group: web } }");
        String empty = "  - name: empty\n    targets: []\n    algorithm: least-outstanding-requests\n"
                + "    on-no-healthy: 503\n";
        // Steady checks: with 100 ms ones, a loaded machine ejected a sound target (two slow probes)
        // and the health this test asserts flapped.
        Path config = LbRig.write(dir, LbRig.group("web", LbRig.STEADY_CHECKS, "deregistration-delay: 60s", a, b)
                + empty, listener);
        Instant started = Instant.now();
        ProxyRig rig = new ProxyRig(config, 60_000);
        closing.add(rig);

        // On a loaded machine a first check may time out: wait for a passing one on each target.
        JsonNode checked = awaitTargets(rig, "a passing check of both targets", r ->
                passed(target(group(r, "web"), a)) && passed(target(group(r, "web"), b)));
        JsonNode web = group(checked, "web");
        assertThat(web.get("algorithm").asText()).isEqualTo("round-robin");
        assertThat(web.get("onNoHealthy").asText()).isEqualTo("fail-open");
        assertThat(web.get("healthyTargets").asInt()).as(web.toString()).isEqualTo(2);
        JsonNode check = target(web, a).get("lastCheck");
        assertThat(check.get("ok").asBoolean()).isTrue();
        assertThat(check.get("detail").asText()).contains("200");
        assertThat(Instant.parse(check.get("time").asText())).isBetween(started, Instant.now());
        JsonNode none = group(checked, "empty");
        assertThat(none.get("algorithm").asText()).isEqualTo("least-outstanding-requests");
        assertThat(none.get("onNoHealthy").asText()).isEqualTo("503");
        assertThat(none.get("healthyTargets").asInt()).isZero();
        assertThat(none.get("targets")).isEmpty();

        // a fails its checks: ejected, the report says why.
        a.healthStatus.set(500);
        JsonNode ejected = awaitTargets(rig, "a unhealthy", r -> group(r, "web").get("healthyTargets").asInt() == 1);
        JsonNode aNow = target(group(ejected, "web"), a);
        assertThat(aNow.get("health").asText()).isEqualTo("unhealthy");
        assertThat(aNow.get("lastCheck").get("ok").asBoolean()).isFalse();
        assertThat(aNow.get("lastCheck").get("detail").asText()).contains("500");
        assertThat(target(group(ejected, "web"), b).get("health").asText()).as(ejected.toString()).isEqualTo("healthy");

        // One request held by b: in flight on one backend connection.
        CompletableFuture<Commands.Result> held = CompletableFuture.supplyAsync(() -> {
            try {
                return LbRig.curl(rig, pki, "/hold", 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, clients);
        assertThat(b.held.tryAcquire(15, TimeUnit.SECONDS)).isTrue();
        JsonNode busy = targets(rig);
        assertThat(target(group(busy, "web"), b).get("outstandingRequests").asInt()).isEqualTo(1);
        assertThat(target(group(busy, "web"), b).get("connections").asInt()).as(busy.toString()).isEqualTo(1);
        assertThat(target(group(busy, "web"), a).get("outstandingRequests").asInt()).isZero();
        String scrape = rig.admin("/metrics").body();
        String bTarget = "127.0.0.1:" + b.port();
        String aTarget = "127.0.0.1:" + a.port();
        assertThat(sample(scrape, "terminus_target_outstanding_requests", "target", bTarget)).isEqualTo(1);
        assertThat(sample(scrape, "terminus_target_active_connections", "target", bTarget)).isEqualTo(1);
        assertThat(sample(scrape, "terminus_target_outstanding_requests", "target", aTarget)).isZero();
        assertThat(sample(scrape, "terminus_target_healthy", "target", aTarget, "target_group", "web")).isZero();
        assertThat(sample(scrape, "terminus_target_healthy", "target", bTarget, "target_group", "web")).isEqualTo(1);
        assertThat(sample(scrape, "terminus_target_group_healthy_targets", "target_group", "web")).isEqualTo(1);
        assertThat(sample(scrape, "terminus_target_group_targets", "target_group", "web")).isEqualTo(2);
        assertThat(sample(scrape, "terminus_target_group_targets", "target_group", "empty")).isZero();
        assertThat(sample(scrape, "terminus_upstream_connections_active", "target_group", "web")).isEqualTo(1);

        b.release();
        assertThat(held.get(20, TimeUnit.SECONDS).output().trim()).isEqualTo("b");
        JsonNode idle = awaitTargets(rig, "b idle", r -> target(group(r, "web"), b).get("outstandingRequests").asInt() == 0
                && target(group(r, "web"), b).get("connections").asInt() == 0);
        assertThat(target(group(idle, "web"), b).get("draining").asBoolean()).isFalse();
        scrape = rig.admin("/metrics").body();
        assertThat(sample(scrape, "terminus_target_requests_total", "target", bTarget, "status_class", "2xx"))
                .isEqualTo(1);
        assertThat(sample(scrape, "terminus_target_response_seconds_count", "target", bTarget)).isEqualTo(1);
        assertThat(sample(scrape, "terminus_target_outstanding_requests", "target", bTarget)).isZero();

        // A reload removes b: it stays listed, draining, until its delay ends.
        LbRig.write(dir, LbRig.group("web", LbRig.STEADY_CHECKS, "deregistration-delay: 60s", a) + empty, listener);
        assertThat(rig.adminPost("/admin/reload").statusCode()).isEqualTo(200);
        JsonNode drained = targets(rig);
        assertThat(target(group(drained, "web"), b).get("draining").asBoolean()).isTrue();
        assertThat(target(group(drained, "web"), a).get("draining").asBoolean()).isFalse();
        assertThat(sample(rig.admin("/metrics").body(), "terminus_target_group_targets", "target_group", "web"))
                .isEqualTo(1);
    }
}
