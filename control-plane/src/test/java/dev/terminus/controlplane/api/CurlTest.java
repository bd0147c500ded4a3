package dev.terminus.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.controlplane.testing.ControlPlaneFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls the API with the real curl, trusting only ca-chain.pem: what an operator's shell sees. */
class CurlTest {

    @TempDir
    static Path dir;
    static ControlPlaneFixture cp;
    static String admin;

    @BeforeAll
    static void start() {
        cp = new ControlPlaneFixture(dir);
        admin = cp.firstAdminToken();
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    /** Runs curl and returns its body followed by a line with the HTTP status. */
    static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert", cp.caChain().toString(),
                "-w", "\n%{http_code}", "--max-time", "30"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void curlTrustsTheExportedChainOnIpAndLocalhost() throws Exception {
        assertThat(curl(cp.endpoint() + "/healthz")).isEqualTo("{\"status\":\"ok\"}\n200");
        assertThat(curl("https://localhost:" + cp.plane.port() + "/healthz")).endsWith("\n200");
    }

    @Test
    void curlWithAndWithoutToken() throws Exception {
        assertThat(curl(cp.endpoint() + "/v1/certificates")).contains("\"code\":\"Unauthorized\"").endsWith("\n401");
        String created = curl("-H", "Authorization: Bearer " + admin, "-H", "Content-Type: application/json", "-d",
                "{\"region\":\"us-east-1\",\"domainName\":\"curl.example.com\",\"keyAlgorithm\":\"EC_prime256v1\"}",
                cp.endpoint() + "/v1/certificates");
        assertThat(created).endsWith("\n201");
        String arn = Json.mapper().readTree(created.substring(0, created.lastIndexOf('\n'))).path("certificateArn").asText();
        String described = curl("-H", "Authorization: Bearer " + admin,
                cp.endpoint() + "/v1/certificates/" + ControlPlaneFixture.encode(arn));
        assertThat(described).contains("\"domainName\":\"curl.example.com\"").endsWith("\n200");
        assertThat(curl("-H", "Authorization: Bearer " + admin, cp.endpoint() + "/v1/ca/us-east-1/chain"))
                .startsWith("-----BEGIN CERTIFICATE-----").endsWith("\n200");
    }
}
