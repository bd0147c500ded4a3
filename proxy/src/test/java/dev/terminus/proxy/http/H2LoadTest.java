package dev.terminus.proxy.http;

import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads the whole proxy with nghttp2's {@code h2load} over TLS (many streams on few connections,
 * forwarded to an HTTP/1.1 backend) and requires every request to succeed with a 2xx. CI installs
 * h2load (.ci/run); there a missing binary fails the test, elsewhere it skips it.
 */
class H2LoadTest {
    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, "
                    + "(\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile(
            "status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
    private static final long MAX_SECONDS = 120;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: -n {1} -c {2} -m {3}")
    @CsvSource({"h2, 2000, 10, 10", "h1, 1000, 10, 1"})
    void everyRequestSucceeds(String protocol, int requests, int clients, int streams) throws Exception {
        String h2load = h2load();
        TestPki pki = new TestPki(dir);
        TestPki.Files2 cert = pki.ecdsa("lb", "terminus.test");
        try (TestServers servers = new TestServers()) {
            InetSocketAddress backend = servers.echoBackend();
            Path config = dir.resolve("proxy.yaml");
            Files.writeString(config, "admin: { port: 0 }\nlisteners:\n  - name: https\n    port: 0\n"
                    + "    certificates: [{ name: lb, chain: " + cert.chain() + ", key: " + cert.key() + " }]\n"
                    + "    default-action: { forward: { host: 127.0.0.1, port: " + backend.getPort() + " } }\n");
            try (ProxyRig rig = new ProxyRig(config, 60_000)) {
                List<String> cmd = new ArrayList<>(List.of(h2load, "-n", String.valueOf(requests),
                        "-c", String.valueOf(clients), "-m", String.valueOf(streams),
                        // Bounds each request, so that a stuck stream fails the run instead of hanging it.
                        "--connection-inactivity-timeout=20", "--connection-active-timeout=" + MAX_SECONDS));
                if (protocol.equals("h1")) {
                    cmd.add("--h1");
                }
                cmd.add("https://127.0.0.1:" + rig.port() + "/load");
                String out = run(cmd);

                Matcher r = REQUESTS.matcher(out);
                assertThat(r.find()).as(out).isTrue();
                assertThat(List.of(r.group(1), r.group(3), r.group(4))).as(out)
                        .containsOnly(String.valueOf(requests));
                assertThat(List.of(r.group(5), r.group(6), r.group(7))).as(out).containsOnly("0");
                Matcher s = STATUS.matcher(out);
                assertThat(s.find()).as(out).isTrue();
                assertThat(s.group(1)).as(out).isEqualTo(String.valueOf(requests));
                assertThat(out).as(out).contains(protocol.equals("h2") ? "Application protocol: h2"
                        : "Application protocol: http/1.1");
                assertThat(rig.count("terminus.upstream.retries")).isZero();
            }
        }
    }

    /** Returns the h2load binary; skips without it, except under CI where it must be installed. */
    private static String h2load() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "h2load");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        assertThat(ci).as("h2load is missing; CI installs it with the nghttp2-client package (.ci/run)").isFalse();
        Assumptions.abort("h2load is not installed (Debian: nghttp2-client)");
        return null;
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        if (!p.waitFor(MAX_SECONDS + 10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("h2load did not finish in " + MAX_SECONDS + " s: " + cmd);
        }
        String text = out.join();
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
