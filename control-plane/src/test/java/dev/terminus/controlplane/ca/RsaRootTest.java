package dev.terminus.controlplane.ca;

import dev.terminus.controlplane.testing.OpenSsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the RSA-4096 root choice: one RSA-4096 key (the root), an EC P-384 subordinate, and openssl's verdict. */
class RsaRootTest {

    @Test
    void ok_rsa4096RootSignsEcSubordinateThatIssues(@TempDir Path dir) throws Exception {
        CertificateAuthorityHierarchy ca = CertificateAuthorityHierarchy.empty(CaConfig.of("http://127.0.0.1:8089"),
                Clock.systemUTC());
        X509Certificate root = ca.createRoot(CreateRootRequest.of("Terminus RSA Root")
                .withKeyAlgorithm(KeyAlgorithm.RSA_4096)).certificate();
        X509Certificate sub = ca.createSubordinate(CreateSubordinateRequest.of("eu-central-1")).certificate();
        X509Certificate leaf = ca.issue(IssueRequest.of("eu-central-1", "rsa.example.com")).certificate();

        assertThat(KeyAlgorithm.of(root.getPublicKey())).isEqualTo(KeyAlgorithm.RSA_4096);
        assertThat(root.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(sub.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(KeyAlgorithm.of(leaf.getPublicKey())).as("ACM's default").isEqualTo(KeyAlgorithm.RSA_2048);

        Files.writeString(dir.resolve("root.pem"), Pem.write(root));
        Files.writeString(dir.resolve("sub.pem"), Pem.write(sub));
        Files.writeString(dir.resolve("leaf.pem"), Pem.write(leaf));
        OpenSsl.Result result = OpenSsl.run(dir, "verify", "-x509_strict", "-purpose", "sslserver",
                "-CAfile", "root.pem", "-untrusted", "sub.pem", "leaf.pem");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }
}
