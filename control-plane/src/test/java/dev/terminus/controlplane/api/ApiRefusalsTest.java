package dev.terminus.controlplane.api;

import static dev.terminus.controlplane.api.ApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terminus.controlplane.ca.Pem;
import dev.terminus.controlplane.certificates.ErrorCode;
import dev.terminus.controlplane.store.AuditLog.AuditEntry;
import dev.terminus.controlplane.testing.ControlPlaneFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks roles, every error answer (status and code), the revocation placeholders and the OpenAPI document. */
class ApiRefusalsTest {

    @TempDir
    static Path dir;
    static ControlPlaneFixture cp;
    static String admin;
    static String operator;
    static String reader;
    static String arn;

    @BeforeAll
    static void start() {
        cp = new ControlPlaneFixture(dir);
        admin = cp.firstAdminToken();
        operator = token("operator");
        reader = token("reader");
        HttpResponse<String> issued = cp.send("POST", "/v1/certificates", admin,
                "{\"region\":\"us-east-1\",\"domainName\":\"refusals.example.com\",\"keyAlgorithm\":\"EC_prime256v1\"}");
        arn = json(issued).path("certificateArn").asText();
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    static String token(String role) {
        return json(cp.send("POST", "/v1/tokens", admin, "{\"role\":\"" + role + "\"}")).path("token").asText();
    }

    static String path(String certificate) {
        return "/v1/certificates/" + ControlPlaneFixture.encode(certificate);
    }

    static void refused(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json(response);
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void noTokenIs401AndAudited() {
        HttpResponse<String> response = cp.send("POST", "/v1/certificates/import", null, "{}");
        refused(response, 401, "Unauthorized");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        refused(cp.send("GET", "/v1/certificates", "tmn_000000000000_" + "A".repeat(43), null), 401, "Unauthorized");
        refused(cp.send("GET", "/v1/certificates", "not-a-token", null), 401, "Unauthorized");
        assertThat(cp.plane.store().auditLog().readAfter(0, 1000)).anySatisfy(e -> assertThat(e)
                .extracting(AuditEntry::tokenId, AuditEntry::operation, AuditEntry::result, AuditEntry::httpStatus)
                .containsExactly("anonymous", "ImportCertificate", "Unauthorized", 401));
    }

    @Test
    void readerReadsButCannotImport() {
        assertThat(cp.send("GET", "/v1/certificates", reader, null).statusCode()).isEqualTo(200);
        assertThat(cp.send("GET", path(arn), reader, null).statusCode()).isEqualTo(200);
        assertThat(cp.send("GET", "/v1/events", reader, null).statusCode()).isEqualTo(200);
        refused(cp.send("POST", "/v1/certificates/import", reader, "{}"), 403, "Forbidden");
        refused(cp.send("POST", path(arn) + "/tags", reader, "{\"tags\":{\"a\":\"b\"}}"), 403, "Forbidden");
        String readerId = reader.substring(4, 16);
        assertThat(cp.plane.store().auditLog().readAfter(0, 1000)).anySatisfy(e -> assertThat(e)
                .extracting(AuditEntry::tokenId, AuditEntry::operation, AuditEntry::result)
                .containsExactly(readerId, "ImportCertificate", "Forbidden"));
    }

    @Test
    void operatorChangesButCannotDeleteExportOrManageTokens() {
        assertThat(cp.send("POST", path(arn) + "/tags", operator, "{\"tags\":{\"a\":\"b\"}}").statusCode()).isEqualTo(200);
        refused(cp.send("DELETE", path(arn), operator, null), 403, "Forbidden");
        refused(cp.send("POST", path(arn) + "/export", operator, "{\"passphrase\":\"abcd1234\"}"), 403, "Forbidden");
        refused(cp.send("GET", "/v1/tokens", operator, null), 403, "Forbidden");
        refused(cp.send("GET", "/v1/audit", operator, null), 403, "Forbidden");
    }

    @Test
    void deletedTokenStopsWorkingAndTokensNeverShowSecrets() {
        String doomed = token("reader");
        String id = doomed.substring(4, 16);
        JsonNode list = json(cp.send("GET", "/v1/tokens", admin, null));
        assertThat(list.toString()).doesNotContain(doomed.substring(17)).doesNotContain("hash");
        assertThat(list.path("tokens").findValuesAsText("id")).contains(id);
        assertThat(cp.send("DELETE", "/v1/tokens/" + id, admin, null).statusCode()).isEqualTo(200);
        refused(cp.send("GET", "/v1/certificates", doomed, null), 401, "Unauthorized");
        refused(cp.send("DELETE", "/v1/tokens/" + id, admin, null), 404, "ResourceNotFound");
        refused(cp.send("POST", "/v1/tokens", admin, "{\"role\":\"root\"}"), 400, "InvalidParameter");
    }

    static Stream<Arguments> refusals() {
        String other = "arn:terminus:acm:us-east-1:000000000000:certificate/00000000-0000-4000-8000-000000000000";
        return Stream.of(
                Arguments.of("InvalidArn", "GET", "/v1/certificates/not-an-arn", null, 400),
                Arguments.of("ResourceNotFound", "GET", path(other), null, 404),
                Arguments.of("InvalidParameter", "POST", "/v1/certificates",
                        "{\"region\":\"us-east-1\",\"domainName\":\"x.example.com\",\"keyAlgorithm\":\"DSA_1024\"}", 400),
                Arguments.of("InvalidParameter", "POST", "/v1/certificates",
                        "{\"region\":\"ap-nowhere-9\",\"domainName\":\"x.example.com\"}", 400),
                Arguments.of("InvalidParameter", "GET", "/v1/certificates?stauts=ISSUED", null, 400),
                Arguments.of("MalformedRequest", "POST", "/v1/certificates", "{\"regoin\":\"us-east-1\"}", 400),
                Arguments.of("MalformedRequest", "POST", "/v1/certificates", "{not json", 400),
                Arguments.of("MalformedRequest", "POST", "/v1/certificates", "{\"validityDays\":\"ten\"}", 400),
                Arguments.of("MalformedCertificate", "POST", "/v1/certificates/import",
                        "{\"region\":\"us-east-1\",\"certificate\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\","
                                + "\"privateKey\":\"x\"}", 400),
                Arguments.of("UnknownRoute", "GET", "/v2/certificates", null, 404),
                Arguments.of("MethodNotAllowed", "PUT", "/v1/certificates", "{}", 405),
                Arguments.of("InvalidParameter", "POST", "/v1/certificates/{arn}/revoke", "{\"reason\":\"REMOVE_FROM_CRL\"}", 400),
                Arguments.of("ResourceNotFound", "GET", "/crl/ap-nowhere-9.crl", null, 404));
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @MethodSource("refusals")
    void refusalsCarryStatusAndCode(String code, String method, String path, String body, int status) {
        refused(cp.send(method, path.replace("{arn}", ControlPlaneFixture.encode(arn)), admin, body), status, code);
    }

    @Test
    void importChecksAndInUseThroughTheApi() throws Exception {
        JsonNode one = json(cp.send("POST", path(arn) + "/export", admin, "{\"passphrase\":\"abcd1234\"}"));
        String second = json(cp.send("POST", "/v1/certificates", admin,
                "{\"region\":\"us-east-1\",\"domainName\":\"second.example.com\",\"keyAlgorithm\":\"EC_prime256v1\"}"))
                .path("certificateArn").asText();
        JsonNode two = json(cp.send("POST", path(second) + "/export", admin, "{\"passphrase\":\"abcd1234\"}"));
        String otherKey = Pem.writePrivateKey(Pem.readEncryptedPrivateKey(two.path("privateKey").asText(), "abcd1234".toCharArray()));

        Map<String, String> body = new HashMap<>(Map.of("region", "us-east-1", "certificate", one.path("certificate").asText(),
                "certificateChain", one.path("certificateChain").asText(), "privateKey", otherKey));
        refused(cp.send("POST", "/v1/certificates/import", operator, Json.mapper().writeValueAsString(body)), 400, "KeyMismatch");
        body.put("privateKey", one.path("privateKey").asText());
        refused(cp.send("POST", "/v1/certificates/import", operator, Json.mapper().writeValueAsString(body)), 400, "EncryptedKey");
        refused(cp.send("POST", "/v1/certificates/import", operator, "{\"certificate\":\"" + "A".repeat(Dispatcher.MAX_BODY_BYTES)
                + "\"}"), 413, "RequestTooLarge");

        cp.users.put(second, List.of("load-balancer/web"));
        HttpResponse<String> inUse = cp.send("DELETE", path(second), admin, null);
        refused(inUse, 409, "ResourceInUse");
        assertThat(json(inUse).path("message").asText()).contains("load-balancer/web");
    }

    @Test
    void everyInventoryErrorCodeHasAStatus() {
        Map<ErrorCode, Integer> expected = new HashMap<>();
        for (ErrorCode code : ErrorCode.values()) {
            expected.put(code, 400);
        }
        expected.put(ErrorCode.RESOURCE_NOT_FOUND, 404);
        expected.put(ErrorCode.RESOURCE_IN_USE, 409);
        expected.put(ErrorCode.CONFLICT, 409);
        expected.put(ErrorCode.REQUEST_ALREADY_PROCESSED, 409);
        // A code added to ErrorCode must be placed here on purpose (fails until it is).
        assertThat(ErrorCode.values()).hasSize(18);
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(ApiErrors.status(code)).as(code.code()).isEqualTo(expected.get(code));
        }
    }

    @Test
    void openApiDocumentsEveryRoute() {
        JsonNode paths = json(cp.send("GET", "/openapi.json", null, null)).path("paths");
        List<String> routes = cp.plane.api().routeKeys();
        assertThat(routes).hasSizeGreaterThan(20);
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' ')).toLowerCase(java.util.Locale.ROOT);
            String template = route.substring(route.indexOf(' ') + 1);
            assertThat(paths.path(template).has(method)).as("openapi.json documents " + route).isTrue();
        }
        paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(method -> {
            if (!method.equals("parameters")) {
                assertThat(routes).as("server serves documented " + method + " " + p.getKey())
                        .contains(method.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
            }
        }));
    }
}
