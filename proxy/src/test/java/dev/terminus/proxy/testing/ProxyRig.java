package dev.terminus.proxy.testing;

import dev.terminus.proxy.ProxyApplication;
import dev.terminus.proxy.config.ConfigLoader;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the whole proxy (listeners, admin port, file watch) from a YAML file on loopback port 0,
 * and drives it with real clients.
 */
public final class ProxyRig implements AutoCloseable {
    public final Path configFile;
    public final ProxyApplication app;
    private final HttpClient http = HttpClient.newHttpClient();

    public ProxyRig(Path configFile) throws Exception {
        this(configFile, 100);
    }

    /** @param watchQuietMillis how long file changes must settle before the watch reloads */
    public ProxyRig(Path configFile, long watchQuietMillis) throws Exception {
        this.configFile = configFile;
        this.app = ProxyApplication.start(configFile, ConfigLoader.load(configFile),
                new ProxyApplication.Options(false, Clock.systemUTC(), watchQuietMillis));
    }

    /**
     * Starts a proxy with one plain-HTTP listener named {@code http} on port 0 that answers every
     * request with a fixed 200 "ok\n", for tests that talk raw HTTP/1.1 over a socket.
     *
     * @param limits the body of a {@code limits} mapping in flow style, or {@code null} for none
     */
    public static ProxyRig plainFixedResponse(Path dir, String limits) throws Exception {
        Path config = dir.resolve("proxy.yaml");
        Files.writeString(config, "admin: { port: 0 }\n"
                + (limits == null ? "" : "limits: { " + limits + " }\n")
                + "listeners:\n"
                + "  - name: http\n    port: 0\n    protocol: HTTP\n"
                + "    default-action: { fixed-response: { body: \"ok\\n\" } }\n");
        return new ProxyRig(config, 60_000);
    }

    /** Returns the bound port of the listener {@code name}. */
    public int port(String name) {
        return app.listeners().get(name).getPort();
    }

    /** Writes a config file with one listener on port 0 and the admin port on port 0. */
    public static Path writeConfig(Path dir, String listenerBody, String limits) throws Exception {
        String yaml = "admin:\n  address: 127.0.0.1\n  port: 0\n"
                + "listeners:\n  - name: https\n    address: 127.0.0.1\n    port: 0\n"
                + listenerBody.stripTrailing().indent(4)
                + (limits == null ? "" : "limits:\n" + limits.stripTrailing().indent(2));
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Returns a listener body that serves the given certificates with a fixed 200 response. */
    public static String fixedResponse(String policy, boolean strict, TestPki.Files2... certs) {
        return certificates(policy, strict, certs)
                + "action:\n  fixed-response:\n    status: 200\n    content-type: text/plain\n    body: \"hello\\n\"\n";
    }

    /** Returns the listener keys for policy, strict SNI and certificates; the first is the default. */
    public static String certificates(String policy, boolean strict, TestPki.Files2... certs) {
        StringBuilder b = new StringBuilder();
        b.append("policy: ").append(policy).append('\n');
        b.append("strict-sni: ").append(strict).append('\n');
        b.append("default-certificate: ").append(certs[0].id()).append('\n');
        b.append("certificates:\n");
        for (TestPki.Files2 c : certs) {
            b.append("  - name: ").append(c.id()).append('\n');
            b.append("    chain: ").append(c.chain()).append('\n');
            b.append("    key: ").append(c.key()).append('\n');
        }
        return b.toString();
    }

    public int port() {
        return app.listeners().get("https").getPort();
    }

    /** Runs the real curl against the listener, resolving {@code host} to 127.0.0.1. */
    public Commands.Result curl(TestPki pki, String host, String path, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--cacert",
                pki.caFile().toString(), "--resolve", host + ":" + port() + ":127.0.0.1"));
        cmd.addAll(List.of(extra));
        cmd.add("https://" + host + ":" + port() + path);
        return Commands.run(cmd);
    }

    /** GETs an admin path; returns status and body. */
    public HttpResponse<String> admin(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.adminPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs to an admin path; returns status and body. */
    public HttpResponse<String> adminPost(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.adminPort() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Returns the summed count of a counter over all series matching the tags. */
    public double count(String name, String... tags) {
        return app.registry().find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /**
     * Returns the counters' sum once it equals {@code expected}, or what it is after 5 s: the proxy
     * counts on its event loop, and a client may see the close a moment before the count.
     */
    public double awaitCount(double expected, String name, String... tags) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        double seen = count(name, tags);
        while (seen != expected && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            seen = count(name, tags);
        }
        return seen;
    }

    @Override
    public void close() {
        app.close();
    }
}
