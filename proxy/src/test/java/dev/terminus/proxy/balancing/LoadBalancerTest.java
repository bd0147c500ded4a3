package dev.terminus.proxy.balancing;

import dev.terminus.proxy.testing.Commands;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.terminus.proxy.balancing.LbRig.HOST;
import static org.assertj.core.api.Assertions.assertThat;

/** Rules, algorithms, redirects and draining through the whole proxy, with real curl and loopback backends. */
class LoadBalancerTest {
    @TempDir
    Path dir;
    TestPki pki;
    TestPki.Files2 cert;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void pki() throws Exception {
        pki = new TestPki(dir);
        cert = pki.ecdsa("lb", HOST, "*." + HOST);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Backend backend(String name) throws Exception {
        Backend b = new Backend(name);
        closing.add(b);
        return b;
    }

    private ProxyRig start(Path config) throws Exception {
        // A long quiet period keeps the file watch out: tests reload explicitly.
        ProxyRig rig = new ProxyRig(config, 60_000);
        closing.add(rig);
        return rig;
    }

    @Test
    void rulesMatchHostAndPathInPriorityOrderOverHttp1AndHttp2() throws Exception {
        Backend api = backend("api");
        Backend web = backend("web");
        Backend admin = backend("admin");
        String groups = LbRig.group("api", "", api) + LbRig.group("web", "", web) + LbRig.group("admin", "", admin);
        String rules = """
                rules:
                  - priority: 20
                    conditions: { host: ["*.terminus.test"] }
                    action: { forward: { target-group: web } }
                  - priority: 10
                    conditions: { path: ["/api/*", "/login"] }
                    action: { forward: { target-group: api } }
                  - priority: 5
                    conditions: { host: [admin.terminus.test], path: ["/admin/*"] }
                    action: { forward: { target-group: admin } }
                  - priority: 15
                    conditions: { host: ["Shop.Terminus.Test."] }
                    action: { fixed-response: { body: "shop\\n" } }
                  - priority: 30
                    conditions: { host: [terminus.test] }
                    action: { fixed-response: { body: "apex\\n" } }
                default-action: { fixed-response: { status: 404, body: "no rule\\n" } }
                """;
        ProxyRig rig = start(LbRig.write(dir, groups, LbRig.tlsListener("https", cert, rules)));
        // host header sent, path -> expected body
        String[][] table = {
                {"admin.terminus.test", "/admin/x", "admin"},
                {"admin.terminus.test", "/other", "web"},
                {"x.terminus.test", "/api/v1?q=1", "api"},
                {"x.terminus.test", "/login", "api"},
                {"x.terminus.test", "/login/more", "web"},
                {"x.terminus.test", "/api", "web"},
                {"x.terminus.test", "/apix", "web"},
                {"X.Terminus.Test:443", "/", "web"},
                {"x.terminus.test.", "/", "web"},
                {"shop.terminus.test", "/api/v1", "api"},
                {"shop.terminus.test", "/", "shop"},
                {"terminus.test", "/", "apex"},
                {"a.b.terminus.test", "/", "no rule"},
                {"elsewhere.example", "/", "no rule"},
        };
        for (String version : List.of("--http1.1", "--http2")) {
            for (String[] row : table) {
                Commands.Result r = LbRig.curl(rig, pki, row[1], 1, version, "-H", "Host: " + row[0]);
                assertThat(r.output().trim()).as(version + " " + row[0] + row[1]).isEqualTo(row[2]);
            }
        }
        assertThat(api.requests.get()).isEqualTo(2 * 3);
    }

    @Test
    void roundRobinSpreadsEvenlyAndWeightedSplitsByWeight() throws Exception {
        Backend b1 = backend("b1");
        Backend b2 = backend("b2");
        Backend b3 = backend("b3");
        Backend g1 = backend("g1");
        // Exact tallies: no target may be ejected by a slow probe on a loaded machine.
        String groups = LbRig.group("blue", LbRig.STEADY_CHECKS, "algorithm: round-robin", b1, b2, b3)
                + LbRig.group("green", LbRig.STEADY_CHECKS, "", g1);
        String body = """
                rules:
                  - priority: 1
                    conditions: { path: ["/rr/*"] }
                    action: { forward: { target-group: blue } }
                default-action:
                  weighted:
                    - { target-group: blue, weight: 80 }
                    - { target-group: green, weight: 20 }
                """;
        ProxyRig rig = start(LbRig.write(dir, groups, LbRig.tlsListener("https", cert, body)));

        Commands.Result rr = LbRig.curl(rig, pki, "/rr/x", 300);
        assertThat(rr.exitCode()).as(rr.output()).isZero();
        assertThat(LbRig.tally(rr.output())).isEqualTo(Map.of("b1", 100, "b2", 100, "b3", 100));

        int n = 400;
        Commands.Result w = LbRig.curl(rig, pki, "/w", n, "--http2");
        assertThat(w.exitCode()).as(w.output()).isZero();
        Map<String, Integer> split = LbRig.tally(w.output());
        int blue = split.getOrDefault("b1", 0) + split.getOrDefault("b2", 0) + split.getOrDefault("b3", 0);
        int green = split.getOrDefault("g1", 0);
        assertThat(blue + green).isEqualTo(n);
        // Binomial(400, 0.2): mean 80, standard deviation 8; 60 is over 7 deviations.
        assertThat(green).isBetween(80 - 60, 80 + 60);

        String metrics = rig.admin("/metrics").body();
        assertThat(metrics)
                .contains("terminus_target_requests_total{status_class=\"2xx\",target=\"127.0.0.1:" + b1.port()
                        + "\",target_group=\"blue\"}")
                .contains("terminus_target_response_seconds_bucket{target=\"127.0.0.1:" + g1.port()
                        + "\",target_group=\"green\"")
                .contains("terminus_target_group_healthy_targets{target_group=\"blue\"} 3.0")
                .contains("terminus_upstream_connections_active{target_group=\"green\"}");
    }

    @Test
    void leastOutstandingRequestsAvoidsTheBusyTarget() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        String groups = LbRig.group("g", LbRig.STEADY_CHECKS, "algorithm: least-outstanding-requests", a, b);
        ProxyRig rig = start(LbRig.write(dir, groups, LbRig.tlsListener("https", cert,
                "default-action: { forward: { target-group: g } }")));

        Held held = holdOne(rig, a, b);
        CompletableFuture<Commands.Result> holding = held.response();
        Backend busy = held.busy();
        Backend idle = busy == a ? b : a;

        Commands.Result r = LbRig.curl(rig, pki, "/fast", 20);
        assertThat(LbRig.tally(r.output())).isEqualTo(Map.of(idle.name, 20));

        busy.release();
        assertThat(holding.get(30, TimeUnit.SECONDS).output().trim()).isEqualTo(busy.name);
        TargetState state = rig.app.runtime().targetGroups().target("g", "127.0.0.1", busy.port());
        assertThat(state.outstanding()).isZero();
    }

    @Test
    void plainListenerRedirectsToHttpsAndRedirectPlaceholdersFill() throws Exception {
        String https = LbRig.tlsListener("https", cert, """
                rules:
                  - priority: 1
                    conditions: { path: ["/old/*"] }
                    action:
                      redirect: { status: 302, path: "/new/#{path}", query: "from=#{host}&#{query}" }
                default-action: { fixed-response: { body: "secure\\n" } }
                """);
        Path config = LbRig.write(dir, "", https, LbRig.plainListener("http",
                "default-action: { redirect: { protocol: HTTPS, port: \"1\" } }"));
        ProxyRig rig = start(config);
        int tlsPort = LbRig.port(rig, "https");
        int plainPort = LbRig.port(rig, "http");
        // The HTTPS port is known only now: point the redirect at it and reload.
        Files.writeString(config, Files.readString(config).replace("port: \"1\"", "port: \"" + tlsPort + "\""));
        assertThat(rig.app.runtime().reload().ok()).isTrue();

        Commands.Result r = Commands.run(List.of("curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w",
                "%{http_code} %{redirect_url}", "--resolve", HOST + ":" + plainPort + ":127.0.0.1",
                "http://" + HOST + ":" + plainPort + "/a/b?x=1"));
        assertThat(r.output()).isEqualTo("301 https://" + HOST + ":" + tlsPort + "/a/b?x=1");

        Commands.Result followed = Commands.run(List.of("curl", "-sS", "--max-time", "20", "-L", "--cacert",
                pki.caFile().toString(), "--resolve", HOST + ":" + plainPort + ":127.0.0.1", "--resolve",
                HOST + ":" + tlsPort + ":127.0.0.1", "http://" + HOST + ":" + plainPort + "/a"));
        assertThat(followed.output()).isEqualTo("secure\n");

        Commands.Result placeholders = LbRig.curl(rig, pki, "/old/p/q?x=1", 1, "-o", "/dev/null", "-w",
                "%{http_code} %{redirect_url}");
        assertThat(placeholders.output())
                .isEqualTo("302 https://" + HOST + ":" + tlsPort + "/new/old/p/q?from=" + HOST + "&x=1");
    }

    @Test
    void noHealthyTargetFailsOpenOrAnswers503AsConfigured() throws Exception {
        Backend open = backend("open");
        Backend closed = backend("closed");
        open.healthStatus.set(500);
        closed.healthStatus.set(500);
        String groups = LbRig.group("open", "", open) + LbRig.group("closed", "on-no-healthy: 503", closed);
        ProxyRig rig = start(LbRig.write(dir, groups, LbRig.tlsListener("https", cert, """
                rules:
                  - priority: 1
                    conditions: { path: ["/closed/*"] }
                    action: { forward: { target-group: closed } }
                default-action: { forward: { target-group: open } }
                """)));
        TargetGroups tg = rig.app.runtime().targetGroups();
        TargetState openState = tg.target("open", "127.0.0.1", open.port());
        TargetState closedState = tg.target("closed", "127.0.0.1", closed.port());
        assertThat(openState.awaitHealthy(false, java.time.Duration.ofSeconds(10))).isFalse();
        assertThat(closedState.awaitHealthy(false, java.time.Duration.ofSeconds(10))).isFalse();

        assertThat(LbRig.curl(rig, pki, "/x", 1).output()).isEqualTo("open\n");
        Commands.Result refused = LbRig.curl(rig, pki, "/closed/x", 1, "-i");
        assertThat(refused.output()).startsWith("HTTP/2 503").containsIgnoringCase("x-terminus-error: no-healthy-target");
        assertThat(closed.requests.get()).isZero();

        closed.healthStatus.set(200);
        assertThat(closedState.awaitHealthy(true, java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(LbRig.curl(rig, pki, "/closed/x", 1).output()).isEqualTo("closed\n");
        assertThat(rig.count("terminus.target.ejections", "target_group", "closed")).isEqualTo(1.0);
    }

    @Test
    void aRemovedTargetDrainsItsInFlightRequestThenCloses() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        String listener = LbRig.tlsListener("https", cert, "default-action: { forward: { target-group: g } }");
        Path config = LbRig.write(dir, LbRig.group("g", "deregistration-delay: 500ms", a, b), listener);
        ProxyRig rig = start(config);

        Held held = holdOne(rig, a, b);
        CompletableFuture<Commands.Result> holding = held.response();
        Backend busy = held.busy();
        Backend kept = busy == a ? b : a;
        TargetState removed = rig.app.runtime().targetGroups().target("g", "127.0.0.1", busy.port());

        LbRig.write(dir, LbRig.group("g", "deregistration-delay: 500ms", kept), listener);
        assertThat(rig.app.runtime().reload().ok()).isTrue();
        assertThat(removed.draining()).isTrue();
        assertThat(removed.outstanding()).isEqualTo(1);

        Commands.Result after = LbRig.curl(rig, pki, "/after", 10);
        assertThat(LbRig.tally(after.output())).isEqualTo(Map.of(kept.name, 10));

        busy.release();
        assertThat(holding.get(30, TimeUnit.SECONDS).output()).as("in flight finishes").isEqualTo(busy.name + "\n");
        removed.drained().get(30, TimeUnit.SECONDS);
        assertThat(removed.connections()).isZero();
        assertThat(rig.app.runtime().targetGroups().target("g", "127.0.0.1", busy.port())).isNull();
        assertThat(rig.admin("/metrics").body()).doesNotContain("target=\"127.0.0.1:" + busy.port() + "\"");
    }

    /** A request held by one of two backends, and which one got it. */
    private record Held(CompletableFuture<Commands.Result> response, Backend busy) {
    }

    /** Sends one {@code /hold} request and waits (bounded) until {@code a} or {@code b} holds it. */
    private Held holdOne(ProxyRig rig, Backend a, Backend b) throws InterruptedException {
        CompletableFuture<Commands.Result> response = CompletableFuture.supplyAsync(() -> {
            try {
                return LbRig.curl(rig, pki, "/hold", 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Backend busy = null;
        for (int i = 0; i < 200 && busy == null; i++) {
            if (a.held.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                busy = a;
            } else if (b.held.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                busy = b;
            }
        }
        assertThat(busy).as("the held request reached a backend").isNotNull();
        return new Held(response, busy);
    }
}
