package dev.terminus.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terminus.controlplane.ca.Pem;
import dev.terminus.controlplane.store.AuditLog.AuditEntry;
import dev.terminus.controlplane.testing.ControlPlaneFixture;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives every certificate endpoint through a real HTTPS server, trusting only the exported CA chain. */
class ApiTest {

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

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(response.body(), e);
        }
    }

    static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json(response);
    }

    static String request(String region, String domain, String keyAlgorithm) {
        String body = "{\"region\":\"" + region + "\",\"domainName\":\"" + domain + "\",\"keyAlgorithm\":\"" + keyAlgorithm
                + "\",\"subjectAlternativeNames\":[\"*." + domain + "\"],\"tags\":{\"team\":\"web\"}}";
        return ok(cp.send("POST", "/v1/certificates", admin, body), 201).path("certificateArn").asText();
    }

    static String path(String arn) {
        return "/v1/certificates/" + ControlPlaneFixture.encode(arn);
    }

    @Test
    void healthAndOpenApiArePublic() {
        assertThat(ok(cp.send("GET", "/healthz", null, null), 200).path("status").asText()).isEqualTo("ok");
        assertThat(ok(cp.send("GET", "/openapi.json", null, null), 200).path("openapi").asText()).startsWith("3.");
    }

    @Test
    void requestDescribeListByEncodedArn() {
        String arn = request("eu-west-1", "shop.example.com", "EC_prime256v1");
        assertThat(path(arn)).contains("%3A").contains("%2F");

        JsonNode detail = ok(cp.send("GET", path(arn), admin, null), 200).path("certificate");
        assertThat(detail.path("certificateArn").asText()).isEqualTo(arn);
        assertThat(detail.path("type").asText()).isEqualTo("PRIVATE");
        assertThat(detail.path("keyAlgorithm").asText()).isEqualTo("EC_prime256v1");
        assertThat(detail.path("subjectAlternativeNames")).hasSize(2);
        assertThat(detail.path("notAfter").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        JsonNode page = ok(cp.send("GET", "/v1/certificates?region=eu-west-1&status=ISSUED,EXPIRED&type=PRIVATE"
                + "&keyAlgorithm=EC_prime256v1&expiringWithinDays=400", admin, null), 200);
        assertThat(page.path("certificates").findValuesAsText("certificateArn")).contains(arn);
        JsonNode none = ok(cp.send("GET", "/v1/certificates?region=eu-west-1&expiringWithinDays=30", admin, null), 200);
        assertThat(none.path("certificates").findValuesAsText("certificateArn")).doesNotContain(arn);
        JsonNode rsa = ok(cp.send("GET", "/v1/certificates?keyAlgorithm=RSA_4096", admin, null), 200);
        assertThat(rsa.path("certificates").findValuesAsText("certificateArn")).doesNotContain(arn);
    }

    @Test
    void tagsAddListRemove() {
        String arn = request("us-east-1", "tags.example.com", "EC_prime256v1");
        assertThat(ok(cp.send("POST", path(arn) + "/tags", admin, "{\"tags\":{\"env\":\"prod\",\"cost center\":\"42\"}}"), 200)
                .path("tags").size()).isEqualTo(3);
        ok(cp.send("DELETE", path(arn) + "/tags?key=team&key=cost%20center", admin, null), 200);
        JsonNode tags = ok(cp.send("GET", path(arn) + "/tags", admin, null), 200).path("tags");
        assertThat(Json.mapper().convertValue(tags, Map.class)).isEqualTo(Map.of("env", "prod"));
    }

    @Test
    void exportImportReimportDelete() throws Exception {
        String arn = request("us-east-1", "export.example.com", "EC_prime256v1");
        JsonNode exported = ok(cp.send("POST", path(arn) + "/export", admin, "{\"passphrase\":\"correct horse\"}"), 200);
        assertThat(exported.path("privateKey").asText()).startsWith("-----BEGIN ENCRYPTED PRIVATE" + " KEY-----");
        PrivateKey key = Pem.readEncryptedPrivateKey(exported.path("privateKey").asText(), "correct horse".toCharArray());

        String body = Json.mapper().writeValueAsString(Map.of("region", "us-east-1",
                "certificate", exported.path("certificate").asText(), "certificateChain", exported.path("certificateChain").asText(),
                "privateKey", Pem.writePrivateKey(key)));
        String imported = ok(cp.send("POST", "/v1/certificates/import", admin, body), 201).path("certificateArn").asText();
        assertThat(imported).isNotEqualTo(arn);
        assertThat(ok(cp.send("GET", path(imported), admin, null), 200).path("certificate").path("type").asText())
                .isEqualTo("IMPORTED");

        String reimport = Json.mapper().writeValueAsString(Map.of("certificate", exported.path("certificate").asText(),
                "certificateChain", exported.path("certificateChain").asText(), "privateKey", Pem.writePrivateKey(key)));
        assertThat(ok(cp.send("POST", path(imported) + "/reimport", admin, reimport), 200).path("certificateArn").asText())
                .isEqualTo(imported);

        ok(cp.send("DELETE", path(imported), admin, null), 200);
        assertThat(cp.send("GET", path(imported), admin, null).statusCode()).isEqualTo(404);

        List<AuditEntry> audit = cp.plane.store().auditLog().readAfter(0, 1000);
        assertThat(audit).anySatisfy(e -> assertThat(e).extracting(AuditEntry::operation, AuditEntry::target, AuditEntry::result,
                AuditEntry::httpStatus).containsExactly("ImportCertificate", imported, "OK", 201));
        assertThat(audit).anySatisfy(e -> assertThat(e).extracting(AuditEntry::operation, AuditEntry::target, AuditEntry::result)
                .containsExactly("ReimportCertificate", imported, "OK"));
        assertThat(audit).anySatisfy(e -> assertThat(e).extracting(AuditEntry::operation, AuditEntry::target, AuditEntry::tokenId)
                .containsExactly("DeleteCertificate", imported, admin.substring(4, 16)));
        assertThat(audit).anySatisfy(e -> assertThat(e).extracting(AuditEntry::operation, AuditEntry::target)
                .containsExactly("ExportCertificate", arn));
    }

    @Test
    void caChainEventsAndAuditEndpoints() throws Exception {
        String chain = cp.send("GET", "/v1/ca/eu-west-1/chain", admin, null).body();
        assertThat(Pem.readCertificates(chain)).hasSize(2);
        assertThat(Pem.readCertificates(chain).get(0).getSubjectX500Principal().getName()).contains("eu-west-1");
        assertThat(ok(cp.send("GET", "/v1/ca/mars-north-1/chain", admin, null), 404).path("code").asText())
                .isEqualTo("ResourceNotFound");

        String arn = request("us-east-1", "events.example.com", "EC_prime256v1");
        JsonNode events = ok(cp.send("GET", "/v1/events?after=0&limit=1000", admin, null), 200);
        assertThat(events.path("events").findValuesAsText("certificateArn")).contains(arn);
        long next = events.path("nextAfterId").asLong();
        assertThat(ok(cp.send("GET", "/v1/events?after=" + next, admin, null), 200).path("events")).isEmpty();

        JsonNode audit = ok(cp.send("GET", "/v1/audit?limit=1000", admin, null), 200);
        assertThat(audit.path("entries").findValuesAsText("target")).contains(arn);
    }
}
