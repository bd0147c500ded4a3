package dev.terminus.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls the admin port with the real {@code curl} binary, as an operator would. */
class AdminServerCurlTest {

    private AdminFixture admin;
    @TempDir
    Path tmp;

    @BeforeAll
    static void requireCurl() {
        assumeTrue(onPath("curl"), "curl is not on PATH");
    }

    @BeforeEach
    void start() {
        admin = new AdminFixture(AdminFixture.Transport.NIO);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void curlSeesHealthAndReusesTheConnection() throws Exception {
        Curl result = curl("-v", "-i", url("/healthz"), url("/readyz"));

        assertThat(result.exitCode).as(result.stderr).isZero();
        assertThat(result.stdout)
                .startsWith("HTTP/1.1 200 OK\r\n")
                .contains("content-type: text/plain; charset=utf-8\r\n")
                .contains("\r\n\r\nok")
                .contains("{\"ready\":true,\"notes\":[]}");
        // curl 7.x says "Re-using", 8.x "Reusing": either proves keep-alive.
        assertThat(result.stderr).containsPattern("Re-?using existing connection");
    }

    @Test
    void curlReloadsAndSees422OnRefusal() throws Exception {
        Curl ok = curl("-X", "POST", "-w", "\n%{http_code}", url("/admin/reload"));
        admin.backend.reloadResult = new AdminBackend.ReloadResult(false, "config/proxy.yaml: bad");
        Curl refused = curl("-X", "POST", "-w", "\n%{http_code}", url("/admin/reload"));

        assertThat(ok.stdout).isEqualTo("{\"ok\":true,\"message\":\"reloaded 2 certificates\"}\n200");
        assertThat(refused.stdout).isEqualTo("{\"ok\":false,\"message\":\"config/proxy.yaml: bad\"}\n422");
        assertThat(admin.backend.reloadRanOnEventLoop).isFalse();
    }

    @Test
    void curlScrapesMetricsAndSeesWrongMethods() throws Exception {
        admin.testCounter.increment(2);

        Curl metrics = curl("-w", "%{content_type}", url("/metrics"));
        Curl notFound = curl("-w", "%{http_code}", "-o", "/dev/null", url("/nope"));
        Curl wrongMethod = curl("-i", "-X", "PUT", url("/certificates"));

        assertThat(metrics.stdout)
                .contains("terminus_test_requests_total{listener=\"https-443\"} 2.0")
                .endsWith("text/plain; version=0.0.4; charset=utf-8");
        assertThat(notFound.stdout).isEqualTo("404");
        assertThat(wrongMethod.stdout).startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("allow: GET\r\n");
    }

    private String url(String path) {
        return admin.uri(path).toString();
    }

    private record Curl(int exitCode, String stdout, String stderr) {
    }

    private Curl curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "curl", ".out");
        Path err = Files.createTempFile(tmp, "curl", ".err");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("curl did not finish: " + command);
        }
        return new Curl(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
