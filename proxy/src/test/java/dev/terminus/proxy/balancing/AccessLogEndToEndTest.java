package dev.terminus.proxy.balancing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terminus.proxy.testing.Commands;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.terminus.proxy.balancing.LbRig.HOST;
import static org.assertj.core.api.Assertions.assertThat;

/** The access log through the whole proxy: real curl over HTTP/1.1 and HTTP/2, raw sockets, admin reopen and reload. */
class AccessLogEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestPki pki;
    TestPki.Files2 cert;
    Backend web;
    int closedPort;
    ProxyRig rig;
    Path logFile;

    @BeforeEach
    void start() throws Exception {
        pki = new TestPki(dir);
        cert = pki.ecdsa("lb", HOST, "*." + HOST);
        web = new Backend("web");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        logFile = dir.resolve("access.log");
        rig = new ProxyRig(writeConfig("access-log:\n  path: access.log\nrequest-id:\n  preserve: true\n"), 60_000);
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        web.close();
    }

    private Path writeConfig(String accessLog) throws Exception {
        String rules = """
                rules:
                  - priority: 1
                    conditions: { path: ["/fixed"] }
                    action: { fixed-response: { body: "fixed\\n" } }
                  - priority: 2
                    conditions: { path: ["/web/*", "/hold"] }
                    action: { forward: { target-group: web } }
                  - priority: 3
                    conditions: { path: ["/down"] }
                    action: { forward: { host: 127.0.0.1, port: %d } }
                  - priority: 4
                    conditions: { path: ["/none"] }
                    action: { forward: { target-group: empty } }
                default-action: { fixed-response: { status: 404, body: "no rule\\n" } }
                """.formatted(closedPort);
        Path file = LbRig.write(dir, LbRig.group("web", "", web) + "  - name: empty\n    targets: []\n    on-no-healthy: 503\n",
                LbRig.tlsListener("https", cert, rules),
                LbRig.plainListener("http", "default-action: { fixed-response: { body: \"plain\\n\" } }"));
        Files.writeString(file, Files.readString(file) + accessLog);
        return file;
    }

    private Commands.Result curl(String version, List<String> extra, String... paths) throws Exception {
        int port = LbRig.port(rig, "https");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "25", version, "--cacert",
                pki.caFile().toString(), "--resolve", HOST + ":" + port + ":127.0.0.1"));
        cmd.addAll(extra);
        for (String path : paths) {
            cmd.add("https://" + HOST + ":" + port + path);
        }
        return Commands.run(cmd);
    }

    private static List<JsonNode> lines(Path file) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                out.add(JSON.readTree(line));
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Polls until {@code file} has at least {@code n} lines, for at most 15 seconds; returns them. */
    private static List<JsonNode> awaitLines(Path file, int n) throws InterruptedException {
        await(n + " lines in " + file, () -> lines(file).size() >= n);
        return lines(file);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static double ms(JsonNode line, String field) {
        JsonNode v = line.get(field);
        assertThat(v).as(field).isNotNull();
        assertThat(v.isNumber()).as(field + " in " + line).isTrue();
        return v.doubleValue();
    }

    private static void assertNull(JsonNode line, String... fields) {
        for (String f : fields) {
            assertThat(line.get(f)).as(f).isNotNull();
            assertThat(line.get(f).isNull()).as(f + " in " + line).isTrue();
        }
    }

    @Test
    void logsFixedForwardedAndFailedRequestsOverHttp1AndHttp2() throws Exception {
        Instant before = Instant.now();
        int expected = 0;
        for (String version : List.of("--http1.1", "--http2")) {
            Commands.Result r = curl(version, List.of("-H", "X-Request-Id: rid-" + version),
                    "/fixed", "/web/a?x=1", "/web/b", "/down", "/none");
            assertThat(r.output()).contains("fixed", "web", "502 Bad Gateway", "503 Service Unavailable");
            Commands.Result post = curl(version, List.of("--data-binary", "0123456789"), "/web/post");
            assertThat(post.output().trim()).isEqualTo("web");
            expected += 6;
            List<JsonNode> all = awaitLines(logFile, expected);
            List<JsonNode> got = all.subList(expected - 6, expected);
            String http = version.equals("--http2") ? "HTTP/2" : "HTTP/1.1";
            int port = LbRig.port(rig, "https");

            for (JsonNode line : got) {
                assertThat(line.get("listener").asText()).isEqualTo("https");
                assertThat(line.get("client").asText()).isEqualTo("127.0.0.1");
                assertThat(line.get("client_port").asInt()).isPositive();
                assertThat(line.get("sni").asText()).isEqualTo(HOST);
                assertThat(line.get("host").asText()).isEqualTo(HOST + ":" + port);
                assertThat(line.get("http_version").asText()).as(line.toString()).isEqualTo(http);
                assertThat(line.get("tls_protocol").asText()).isEqualTo("TLSv1.3");
                assertThat(line.get("tls_cipher").asText()).startsWith("TLS_");
                assertThat(ms(line, "handshake_ms")).isGreaterThan(0);
                assertThat(ms(line, "duration_ms")).isGreaterThanOrEqualTo(0);
                Instant time = Instant.parse(line.get("time").asText());
                assertThat(time).isBetween(before.minusSeconds(1), Instant.now());
                assertThat(line.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            }

            JsonNode fixed = got.get(0);
            assertThat(fixed.get("method").asText()).isEqualTo("GET");
            assertThat(fixed.get("path").asText()).isEqualTo("/fixed");
            assertThat(fixed.get("status").asInt()).isEqualTo(200);
            assertThat(fixed.get("bytes_out").asLong()).isEqualTo("fixed\n".length());
            assertThat(fixed.get("bytes_in").asLong()).isZero();
            assertThat(fixed.get("request_id").asText()).isEqualTo("rid-" + version);
            assertNull(fixed, "query", "target", "target_group", "connect_ms", "response_ms", "error");

            JsonNode first = got.get(1);
            assertThat(first.get("path").asText()).isEqualTo("/web/a");
            assertThat(first.get("query").asText()).isEqualTo("x=1");
            assertThat(first.get("status").asInt()).isEqualTo(200);
            assertThat(first.get("target").asText()).isEqualTo("127.0.0.1:" + web.port());
            assertThat(first.get("target_group").asText()).isEqualTo("web");
            assertThat(ms(first, "connect_ms")).as("a new backend connection").isGreaterThan(0);
            assertThat(ms(first, "response_ms")).isGreaterThan(0).isLessThanOrEqualTo(ms(first, "duration_ms"));
            assertThat(first.get("bytes_out").asLong()).isEqualTo("web\n".length());
            assertNull(first, "error");

            JsonNode reused = got.get(2);
            assertThat(reused.get("path").asText()).isEqualTo("/web/b");
            assertThat(ms(reused, "connect_ms")).as("the idle backend connection is reused").isZero();
            assertThat(ms(reused, "response_ms")).isGreaterThan(0);

            JsonNode down = got.get(3);
            assertThat(down.get("status").asInt()).isEqualTo(502);
            assertThat(down.get("error").asText()).isEqualTo("upstream-connect-refused");
            assertThat(down.get("target").asText()).isEqualTo("127.0.0.1:" + closedPort);
            assertNull(down, "target_group", "connect_ms", "response_ms");

            JsonNode none = got.get(4);
            assertThat(none.get("status").asInt()).isEqualTo(503);
            assertThat(none.get("error").asText()).isEqualTo("no-healthy-target");
            assertNull(none, "target", "target_group", "connect_ms");

            JsonNode posted = got.get(5);
            assertThat(posted.get("method").asText()).isEqualTo("POST");
            assertThat(posted.get("bytes_in").asLong()).isEqualTo(10);
            assertThat(posted.get("target_group").asText()).isEqualTo("web");
            // No id from the client: the one the proxy generated (and sent on) is logged.
            assertThat(posted.get("request_id").asText()).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void hostileRequestStringsStayInsideTheirJsonStrings() throws Exception {
        int port = LbRig.port(rig, "http");
        // A quote, a backslash, a forged JSON fragment, raw UTF-8 and an escape character.
        byte[] request = ("GET /a\"b\\c\",\"status\":1/caf\u00c3\u00a9?q=<\"x\">&\u001b HTTP/1.1\r\n"
                + "Host: evil\"\\host\r\nX-Request-Id: id\",\"error\":\"x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        String answer;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertThat(answer).startsWith("HTTP/1.1 200");

        JsonNode line = awaitLines(logFile, 1).get(0);

        assertThat(line.get("listener").asText()).isEqualTo("http");
        assertThat(line.get("path").asText()).isEqualTo("/a\"b\\c\",\"status\":1/caf\u00e9");
        assertThat(line.get("query").asText()).isEqualTo("q=<\"x\">&\u001b");
        assertThat(line.get("host").asText()).isEqualTo("evil\"\\host");
        assertThat(line.get("request_id").asText()).isEqualTo("id\",\"error\":\"x");
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertNull(line, "error", "sni", "tls_protocol", "tls_cipher", "handshake_ms");
        assertThat(line.size()).isEqualTo(23);
    }

    @Test
    void reopenAfterRotationAndReloadMovesOrStopsTheLog() throws Exception {
        curl("--http1.1", List.of(), "/fixed");
        awaitLines(logFile, 1);

        Path rotated = dir.resolve("access.log.1");
        Files.move(logFile, rotated);
        HttpResponse<String> reopened = rig.adminPost("/admin/reopen-logs");
        assertThat(reopened.statusCode()).as(reopened.body()).isEqualTo(200);
        assertThat(JSON.readTree(reopened.body()).get("ok").asBoolean()).isTrue();
        curl("--http1.1", List.of(), "/fixed?after-rotation");
        assertThat(awaitLines(logFile, 1).get(0).get("query").asText()).isEqualTo("after-rotation");
        assertThat(lines(rotated)).hasSize(1);

        // Reload onto another file, then off, then on again: the request made while off is nowhere.
        Path other = dir.resolve("other.log");
        writeConfig("access-log:\n  path: other.log\n");
        assertThat(rig.adminPost("/admin/reload").statusCode()).isEqualTo(200);
        curl("--http1.1", List.of(), "/fixed?other");
        assertThat(awaitLines(other, 1).get(0).get("query").asText()).isEqualTo("other");

        writeConfig("access-log:\n  path: other.log\n  enabled: false\n");
        assertThat(rig.adminPost("/admin/reload").statusCode()).isEqualTo(200);
        curl("--http1.1", List.of(), "/fixed?while-off");
        Path third = dir.resolve("third.log");
        writeConfig("access-log:\n  path: third.log\n");
        assertThat(rig.adminPost("/admin/reload").statusCode()).isEqualTo(200);
        curl("--http1.1", List.of(), "/fixed?third");
        assertThat(awaitLines(third, 1).get(0).get("query").asText()).isEqualTo("third");
        assertThat(lines(third)).hasSize(1);
        assertThat(lines(other)).hasSize(1);
        assertThat(lines(logFile)).hasSize(1);

        // A path the proxy cannot write is refused at reload, naming the key, and changes nothing.
        writeConfig("access-log:\n  path: missing-dir/access.log\n");
        HttpResponse<String> refused = rig.adminPost("/admin/reload");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("access-log.path").contains("missing-dir");
        curl("--http1.1", List.of(), "/fixed?still-third");
        assertThat(awaitLines(third, 2).get(1).get("query").asText()).isEqualTo("still-third");
        assertThat(rig.count("terminus.access.log.dropped")).isZero();
    }
}
