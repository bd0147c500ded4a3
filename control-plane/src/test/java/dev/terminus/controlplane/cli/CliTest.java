package dev.terminus.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terminus.controlplane.api.Json;
import dev.terminus.controlplane.testing.ControlPlaneFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the CLI in-process against a running control plane: exit codes 0, 1 and 2, tables and JSON. */
class CliTest {

    @TempDir
    static Path dir;
    static ControlPlaneFixture cp;
    static Map<String, String> environment;

    /** Holds one run: exit status and what it printed. */
    record Run(int status, String out, String err) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(out);
            } catch (Exception e) {
                throw new AssertionError(out + err, e);
            }
        }
    }

    @BeforeAll
    static void start() {
        cp = new ControlPlaneFixture(dir);
        environment = Map.of("TERMINUS_TOKEN", cp.firstAdminToken(), "TERMINUS_ENDPOINT", cp.endpoint(),
                "TERMINUS_CA_FILE", cp.caChain().toString());
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    static Run run(String... args) {
        return run(environment, args);
    }

    static String request(String domain) {
        Run run = run("cert", "request", "--region", "us-east-1", "--domain-name", domain, "--key-algorithm", "EC_prime256v1",
                "--san", "*." + domain, "--tag", "team=web");
        assertThat(run.status()).as(run.err()).isZero();
        return run.out().strip();
    }

    @Test
    void createSubordinateForANewRegionThenIssueThere() {
        Run created = run("ca", "create-subordinate", "--region", "ap-south-1");
        assertThat(created.status()).as(created.err()).isZero();
        assertThat(run("ca", "chain", "--region", "ap-south-1").out()).contains("BEGIN CERTIFICATE");
        Run again = run("ca", "create-subordinate", "--region", "ap-south-1");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("ResourceAlreadyExists");
        Run issued = run("cert", "request", "--region", "ap-south-1", "--domain-name", "south.example.com",
                "--key-algorithm", "EC_prime256v1");
        assertThat(issued.status()).as(issued.err()).isZero();
        assertThat(issued.out()).startsWith("arn:terminus:acm:ap-south-1:");
    }

    @Test
    void revokeThenRevokeAgainIsRefusedByARule() {
        String arn = request("revoked.example.com");
        Run revoked = run("cert", "revoke", arn, "--reason", "KEY_COMPROMISE");
        assertThat(revoked.status()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked " + arn).contains("KEY_COMPROMISE");
        assertThat(run("cert", "describe", arn, "--output", "json").json().path("certificate").path("status").asText())
                .isEqualTo("REVOKED");
        Run again = run("cert", "revoke", arn);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("RequestAlreadyProcessed");
        assertThat(run("cert", "revoke", arn, "--reason", "REMOVE_FROM_CRL").err()).contains("InvalidParameter");
    }

    @Test
    void requestDescribeListDelete() {
        String arn = request("cli.example.com");
        assertThat(arn).startsWith("arn:terminus:acm:us-east-1:000000000000:certificate/");

        Run describe = run("cert", "describe", arn);
        assertThat(describe.status()).isZero();
        assertThat(describe.out()).contains("domainName:").contains("cli.example.com").contains("EC_prime256v1");
        assertThat(run("cert", "describe", arn, "--output", "json").json().path("certificate").path("status").asText())
                .isEqualTo("ISSUED");

        Run table = run("cert", "list", "--region", "us-east-1", "--status", "ISSUED");
        assertThat(table.out()).startsWith("ARN").contains(arn);
        JsonNode listed = run("cert", "list", "--key-algorithm", "EC_prime256v1", "--output", "json").json();
        assertThat(listed.path("certificates").findValuesAsText("certificateArn")).contains(arn);

        assertThat(run("cert", "delete", arn).status()).isZero();
        Run gone = run("cert", "describe", arn);
        assertThat(gone.status()).isEqualTo(1);
        assertThat(gone.err()).contains("ResourceNotFound");
    }

    @Test
    void tagsUntagAndEventsAndChain() {
        String arn = request("tags.cli.example.com");
        assertThat(run("cert", "tag", arn, "env=prod", "owner=ops").out()).contains("env").contains("owner");
        assertThat(run("cert", "untag", arn, "team").status()).isZero();
        JsonNode tags = run("cert", "tags", arn, "--output", "json").json().path("tags");
        assertThat(Json.mapper().convertValue(tags, Map.class)).isEqualTo(Map.of("env", "prod", "owner", "ops"));

        JsonNode events = run("events", "--output", "json", "--limit", "1000").json();
        assertThat(events.path("events").findValuesAsText("certificateArn")).contains(arn);
        assertThat(run("events").out()).startsWith("ID").contains("CERTIFICATE_ISSUED");

        Run chain = run("ca", "chain", "--region", "eu-west-1");
        assertThat(chain.status()).isZero();
        assertThat(chain.out()).startsWith("-----BEGIN CERTIFICATE-----");
        Run unknown = run("ca", "chain", "--region", "mars-north-1");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("ResourceNotFound");
    }

    @Test
    void exportImportReimportThroughFiles(@TempDir Path work) throws Exception {
        String arn = request("files.cli.example.com");
        Path passphrase = Files.writeString(work.resolve("passphrase"), "correct horse battery\n");
        Path out = work.resolve("out");
        assertThat(run("cert", "export", arn, "--passphrase-file", passphrase.toString(), "--out-dir", out.toString()).status())
                .isZero();
        assertThat(Files.readString(out.resolve("private-key.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE" + " KEY-----");

        Run encrypted = run("cert", "import", "--region", "us-east-1", "--certificate", out.resolve("certificate.pem").toString(),
                "--chain", out.resolve("chain.pem").toString(), "--private-key", out.resolve("private-key.pem").toString());
        assertThat(encrypted.status()).isEqualTo(1);
        assertThat(encrypted.err()).contains("EncryptedKey");

        Path clear = work.resolve("clear.pem");
        Files.writeString(clear, dev.terminus.controlplane.ca.Pem.writePrivateKey(dev.terminus.controlplane.ca.Pem
                .readEncryptedPrivateKey(Files.readString(out.resolve("private-key.pem")), "correct horse battery".toCharArray())));
        Run imported = run("cert", "import", "--region", "us-east-1", "--certificate", out.resolve("certificate.pem").toString(),
                "--chain", out.resolve("chain.pem").toString(), "--private-key", clear.toString(), "--output", "json");
        assertThat(imported.status()).as(imported.err()).isZero();
        String importedArn = imported.json().path("certificateArn").asText();
        Run reimported = run("cert", "reimport", importedArn, "--certificate", out.resolve("certificate.pem").toString(),
                "--chain", out.resolve("chain.pem").toString(), "--private-key", clear.toString());
        assertThat(reimported.out().strip()).isEqualTo(importedArn);
    }

    @Test
    void tokensThroughTheApiAndRolesInTheCli() {
        Run created = run("token", "create", "--role", "reader", "--output", "json");
        assertThat(created.status()).isZero();
        String readerToken = created.json().path("token").asText();
        assertThat(run("token", "list").out()).contains("reader");

        Map<String, String> asReader = new HashMap<>(environment);
        asReader.put("TERMINUS_TOKEN", readerToken);
        assertThat(run(asReader, "cert", "list").status()).isZero();
        Run refused = run(asReader, "cert", "request", "--region", "us-east-1", "--domain-name", "no.example.com");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).startsWith("terminus: Forbidden:");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(run("cert", "list", "--bogus").status()).isEqualTo(2);
        assertThat(run("cert", "request", "--region", "us-east-1").status()).isEqualTo(2);
        assertThat(run("cert").status()).isEqualTo(2);
        assertThat(run("frobnicate").status()).isEqualTo(2);
        Run noToken = run(Map.of("TERMINUS_ENDPOINT", cp.endpoint(), "TERMINUS_CA_FILE", cp.caChain().toString()), "cert", "list");
        assertThat(noToken.status()).isEqualTo(2);
        assertThat(noToken.err()).contains("TERMINUS_TOKEN");
        Run badTag = run("cert", "tag", "arn:x", "novalue");
        assertThat(badTag.status()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "control-plane", "control-plane token", "control-plane token create", "cert", "cert request",
            "cert import", "cert reimport", "cert describe", "cert list", "cert export", "cert delete", "cert tag", "cert untag",
            "cert tags", "ca", "ca chain", "events", "token", "token create", "token list", "token delete"})
    void helpOnEveryLevel(String command) {
        String[] words = command.isEmpty() ? new String[0] : command.split(" ");
        String[] args = java.util.Arrays.copyOf(words, words.length + 1);
        args[words.length] = "--help";
        Run help = run(args);
        assertThat(help.status()).isZero();
        assertThat(help.out()).startsWith("Usage: terminus");
    }
}
