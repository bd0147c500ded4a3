package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.testing.OpenSsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asks the real OpenSSL: does an issued chain verify against the published root, and does an
 * exported key decrypt with the passphrase and match the certificate? Uses the system clock,
 * because openssl verifies against the current time.
 */
class OpenSslExportTest {

    private static final String PASS = "correct horse battery staple";

    @TempDir
    Path dir;

    @Test
    void ok_opensslVerifiesIssuedChainsAndDecryptsTheExport() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(OpenSsl.BINARY)), "openssl is not installed");
        try (ServiceFixture fixture = new ServiceFixture(dir.resolve("data"), Clock.systemUTC(),
                CertificatesConfig.of(ServiceFixture.ACCOUNT))) {
            Files.writeString(dir.resolve("root.pem"), Pem.write(fixture.ca.root()));
            String rsa = fixture.service.requestCertificate(RequestCertificateRequest.of("us-east-1", "rsa.example.com")).certificateArn();
            String ec = fixture.service.requestCertificate(RequestCertificateRequest.of("eu-west-1", "ec.example.com")
                    .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1)).certificateArn();
            for (String arn : new String[] {rsa, ec}) {
                var record = fixture.store.certificates().find(arn).orElseThrow();
                Files.writeString(dir.resolve("leaf.pem"), record.certificatePem());
                Files.writeString(dir.resolve("chain.pem"), record.chainPem());
                OpenSsl.Result verify = OpenSsl.run(dir, "verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname",
                        record.domainName(), "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem");
                assertThat(verify.exitCode()).as(verify.output()).isZero();
                assertThat(verify.output()).contains("leaf.pem: OK");
            }

            ExportCertificateResponse export = fixture.service.exportCertificate(new ExportCertificateRequest(ec, PASS.toCharArray()));
            Files.writeString(dir.resolve("export-cert.pem"), export.certificate());
            Files.writeString(dir.resolve("export-chain.pem"), export.certificateChain());
            Files.writeString(dir.resolve("export-key.pem"), export.privateKey());

            OpenSsl.Result chain = OpenSsl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "export-chain.pem", "export-cert.pem");
            assertThat(chain.exitCode()).as(chain.output()).isZero();
            OpenSsl.Result key = OpenSsl.run(dir, "pkey", "-in", "export-key.pem", "-passin", "pass:" + PASS, "-pubout");
            OpenSsl.Result certificateKey = OpenSsl.run(dir, "x509", "-in", "export-cert.pem", "-noout", "-pubkey");
            assertThat(key.exitCode()).as(key.output()).isZero();
            assertThat(key.output()).contains("-----BEGIN PUBLIC KEY-----").isEqualTo(certificateKey.output());
            OpenSsl.Result wrong = OpenSsl.run(dir, "pkey", "-in", "export-key.pem", "-passin", "pass:wrong passphrase", "-noout");
            assertThat(wrong.exitCode()).isNotZero();
        }
    }
}
