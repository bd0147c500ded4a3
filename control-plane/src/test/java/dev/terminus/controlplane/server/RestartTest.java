package dev.terminus.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terminus.controlplane.api.Json;
import dev.terminus.controlplane.cli.Main;
import dev.terminus.controlplane.testing.ControlPlaneFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts a control plane on its data directory: tokens, certificates, the CA and the API certificate survive. */
class RestartTest {

    @TempDir
    Path dir;

    @Test
    void restartKeepsTokensCertificatesAndTheApiIdentity() throws Exception {
        try (ControlPlaneFixture cp = new ControlPlaneFixture(dir)) {
            String admin = cp.firstAdminToken();
            assertThat(cp.console).contains("will not be shown again");
            Path kek = cp.config.kekFile();
            assertThat(Files.getPosixFilePermissions(kek)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String chainBefore = Files.readString(cp.caChain());
            JsonNode issued = Json.mapper().readTree(cp.send("POST", "/v1/certificates", admin,
                    "{\"region\":\"eu-west-1\",\"domainName\":\"restart.example.com\",\"keyAlgorithm\":\"EC_prime256v1\"}").body());
            String arn = issued.path("certificateArn").asText();
            String operator = Json.mapper().readTree(cp.send("POST", "/v1/tokens", admin, "{\"role\":\"operator\"}").body())
                    .path("token").asText();
            String serverSerial = cp.plane.store().serverIdentities().load("api").orElseThrow().certificate().getSerialNumber()
                    .toString(16);
            cp.stop();

            // The local command opens the store directly while the server is down.
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Path config = Files.writeString(dir.resolve("cp.yaml"), "data-dir: " + cp.config.dataDir() + "\n");
            int status = Main.run(new String[] {"control-plane", "token", "create", "--role", "reader", "--config", config.toString()},
                    Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(status).as(err.toString()).isZero();
            String reader = out.toString().strip();
            assertThat(err.toString()).contains("will not be shown again");

            // Re-wrap every key under a new KEK while the server is down; the new key replaces the file.
            String kekBefore = Files.readString(kek);
            StringWriter rewrapOut = new StringWriter();
            StringWriter rewrapErr = new StringWriter();
            assertThat(Main.run(new String[] {"control-plane", "rewrap", "--config", config.toString()}, Map.of(),
                    new PrintWriter(rewrapOut, true), new PrintWriter(rewrapErr, true))).as(rewrapErr.toString()).isZero();
            assertThat(rewrapOut.toString()).contains("re-wrapped").contains(kek.toString());
            assertThat(Files.readString(kek)).isNotEqualTo(kekBefore);
            assertThat(Files.getPosixFilePermissions(kek)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            cp.start();
            assertThat(cp.console).as("no second admin token").doesNotContain("tmn_");
            assertThat(Files.readString(cp.caChain())).isEqualTo(chainBefore);
            assertThat(cp.plane.store().serverIdentities().load("api").orElseThrow().certificate().getSerialNumber().toString(16))
                    .isEqualTo(serverSerial);
            String path = "/v1/certificates/" + ControlPlaneFixture.encode(arn);
            assertThat(cp.send("GET", path, admin, null).statusCode()).isEqualTo(200);
            assertThat(cp.send("GET", path, operator, null).statusCode()).isEqualTo(200);
            assertThat(cp.send("GET", path, reader, null).statusCode()).isEqualTo(200);
            assertThat(cp.send("DELETE", path, reader, null).statusCode()).isEqualTo(403);
        }
    }
}
