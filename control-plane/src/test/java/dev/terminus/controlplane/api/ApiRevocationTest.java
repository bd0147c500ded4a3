package dev.terminus.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terminus.controlplane.testing.ControlPlaneFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocation through the running API, with the real openssl as the relying party: RevokeCertificate,
 * then the region's CRL and OCSP answer over HTTPS, checked by {@code openssl crl} and {@code openssl ocsp}.
 */
class ApiRevocationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    ControlPlaneFixture cp;
    String admin;

    @BeforeEach
    void start() {
        cp = new ControlPlaneFixture(dir.resolve("data"));
        admin = cp.firstAdminToken();
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void revokedCertificateIsOnTheCrlAndOcspSaysRevoked() throws Exception {
        String arn = JSON.readTree(cp.send("POST", "/v1/certificates", admin,
                "{\"region\":\"us-east-1\",\"domainName\":\"gone.example.com\",\"keyAlgorithm\":\"EC_prime256v1\"}")
                .body()).path("certificateArn").asText();
        JsonNode export = JSON.readTree(cp.send("POST", "/v1/certificates/" + ControlPlaneFixture.encode(arn)
                + "/export", admin, "{\"passphrase\":\"abcd1234\"}").body());
        Path leaf = Files.writeString(dir.resolve("leaf.pem"), export.path("certificate").asText());
        String chain = export.path("certificateChain").asText();
        int split = chain.indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length();
        Path sub = Files.writeString(dir.resolve("sub.pem"), chain.substring(0, split).strip() + "\n");
        Path root = Files.writeString(dir.resolve("root.pem"), chain.substring(split).strip() + "\n");

        HttpResponse<String> revoked = cp.send("POST", "/v1/certificates/" + ControlPlaneFixture.encode(arn)
                + "/revoke", admin, "{\"reason\":\"KEY_COMPROMISE\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        String serial = JSON.readTree(revoked.body()).path("serial").asText();
        HttpResponse<String> again = cp.send("POST", "/v1/certificates/" + ControlPlaneFixture.encode(arn)
                + "/revoke", admin, "{\"reason\":\"KEY_COMPROMISE\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("RequestAlreadyProcessed");

        HttpClient http = HttpClient.newBuilder().sslContext(ControlPlaneFixture.trusting(cp.caChain())).build();
        HttpResponse<byte[]> crl = http.send(HttpRequest.newBuilder(URI.create(cp.endpoint() + "/crl/us-east-1.crl"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(crl.statusCode()).isEqualTo(200);
        assertThat(crl.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
        Path crlFile = Files.write(dir.resolve("crl.der"), crl.body());
        String crlText = run("openssl", "crl", "-inform", "DER", "-in", crlFile.toString(), "-noout", "-text");
        assertThat(crlText.toUpperCase()).contains(serial.toUpperCase().replaceFirst("^0+", ""));
        assertThat(crlText).contains("Key Compromise");
        Files.writeString(dir.resolve("chain.pem"), Files.readString(sub) + Files.readString(root));
        assertThat(run("openssl", "crl", "-inform", "DER", "-in", crlFile.toString(), "-CAfile",
                dir.resolve("chain.pem").toString(), "-noout")).contains("verify OK");

        Path request = dir.resolve("req.der");
        run("openssl", "ocsp", "-issuer", sub.toString(), "-cert", leaf.toString(), "-reqout", request.toString(),
                "-no_nonce");
        HttpResponse<byte[]> ocsp = http.send(HttpRequest.newBuilder(URI.create(cp.endpoint() + "/ocsp/us-east-1"))
                .header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(request))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ocsp.statusCode()).isEqualTo(200);
        Path response = Files.write(dir.resolve("resp.der"), ocsp.body());
        String verdict = run("openssl", "ocsp", "-respin", response.toString(), "-issuer", sub.toString(),
                "-CAfile", root.toString(), "-cert", leaf.toString(), "-no_nonce");
        assertThat(verdict).contains("Response verify OK").contains(": revoked").contains("keyCompromise");

        // Public endpoints: no token needed, as relying parties have none.
        assertThat(cp.send("GET", "/crl/us-east-1.crl", null, null).statusCode()).isEqualTo(200);
        assertThat(List.of(verdict)).isNotEmpty();
    }
}
