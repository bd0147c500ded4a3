package dev.terminus.controlplane.certificates;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terminus.controlplane.ca.Pem;
import dev.terminus.controlplane.testing.ControlPlaneFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every import check through the running HTTPS API: each refusal answers 400 with its own stable
 * code, and the inventory is unchanged afterwards. (The service-level table is ImportCertificateTest.)
 */
class ImportChecksThroughApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static ControlPlaneFixture cp;
    static String admin;
    static TestPki.Issued root;
    static TestPki.Issued intermediate;
    static Instant from;
    static Instant to;

    @BeforeAll
    static void start() {
        cp = new ControlPlaneFixture(dir.resolve("data"));
        admin = cp.firstAdminToken();
        Instant now = Instant.now();
        from = now.minus(Duration.ofDays(10));
        to = now.plus(Duration.ofDays(90));
        root = TestPki.ca("External Root", now.minus(Duration.ofDays(100)), now.plus(Duration.ofDays(3650)));
        intermediate = TestPki.intermediate("External Intermediate", root, now.minus(Duration.ofDays(100)),
                now.plus(Duration.ofDays(1000)));
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    private static String leafPem(KeyPair keys, String subject, Instant notBefore, Instant notAfter) {
        return Pem.write(TestPki.leaf(subject, keys, List.of(), notBefore, notAfter, intermediate).certificate());
    }

    private static void refused(String code, String certificate, String chain, String key) throws Exception {
        String before = cp.send("GET", "/v1/certificates", admin, null).body();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("region", "us-east-1");
        body.put("certificate", certificate);
        if (chain != null) {
            body.put("certificateChain", chain);
        }
        body.put("privateKey", key);
        HttpResponse<String> r = cp.send("POST", "/v1/certificates/import", admin, JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(code + ": " + r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("code").asText()).as(r.body()).isEqualTo(code);
        assertThat(cp.send("GET", "/v1/certificates", admin, null).body()).as("nothing changed").isEqualTo(before);
    }

    @Test
    void everyImportCheckHasItsCodeThroughTheApi() throws Exception {
        String chain = Pem.write(List.of(intermediate.certificate(), root.certificate()));
        KeyPair ec = TestPki.ec();
        String ecKey = Pem.writePrivateKey(ec.getPrivate());
        String good = leafPem(ec, "CN=good.example.com", from, to);

        refused("MalformedCertificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", chain, ecKey);
        refused("KeyMismatch", good, chain, Pem.writePrivateKey(TestPki.ec().getPrivate()));
        refused("ChainOrder", good, Pem.write(List.of(root.certificate(), intermediate.certificate())), ecKey);
        refused("Expired", leafPem(ec, "CN=old.example.com", from, Instant.now().minusSeconds(60)), chain, ecKey);
        refused("NotYetValid", leafPem(ec, "CN=new.example.com", Instant.now().plus(Duration.ofDays(1)), to), chain,
                ecKey);
        KeyPair rsa1024 = TestPki.rsa(1024);
        refused("WeakKey", leafPem(rsa1024, "CN=weak.example.com", from, to), chain,
                Pem.writePrivateKey(rsa1024.getPrivate()));
        KeyPair p521 = TestPki.ec("secp521r1");
        refused("UnsupportedCurve", leafPem(p521, "CN=curve.example.com", from, to), chain,
                Pem.writePrivateKey(p521.getPrivate()));
        KeyPair ed = TestPki.ed25519();
        refused("UnsupportedKeyAlgorithm", leafPem(ed, "CN=ed.example.com", from, to), chain,
                Pem.writePrivateKey(ed.getPrivate()));
        refused("NoDomainName", leafPem(ec, "O=Nameless", from, to), chain, ecKey);
        refused("EncryptedKey", good, chain, TestPki.encryptedPkcs8(ec.getPrivate()));
        refused("InputTooLarge", good + "x".repeat(32 * 1024), null, ecKey);
        refused("CaCertificateAsLeaf", Pem.write(intermediate.certificate()), Pem.write(root.certificate()),
                Pem.writePrivateKey(intermediate.keys().getPrivate()));

        // And the same material, correct, is accepted.
        HttpResponse<String> ok = cp.send("POST", "/v1/certificates/import", admin, JSON.writeValueAsString(
                Map.of("region", "us-east-1", "certificate", good, "certificateChain", chain, "privateKey", ecKey)));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    }
}
