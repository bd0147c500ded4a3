package dev.terminus.controlplane.server;

import dev.terminus.controlplane.cli.Main;
import dev.terminus.controlplane.testing.ControlPlaneFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `ca create-root` before the first start: the chosen root is the one the server then uses; a second is refused. */
class CreateRootTest {
    @TempDir
    Path dir;

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void rootCreatedLocallyIsKeptByTheFirstStartAndNotReplaced() throws Exception {
        // Where the fixture's defaults put it: <working dir>/data/control-plane.
        Path data = dir.resolve("data/control-plane");
        Path config = Files.writeString(dir.resolve("cp.yaml"), "data-dir: " + data + "\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = run(out, err, "ca", "create-root", "--common-name", "Example Corp Root", "--config", config.toString());
        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("CN=Example Corp Root").contains("EC_secp384r1").contains("us-east-1");

        StringWriter again = new StringWriter();
        assertThat(run(new StringWriter(), again, "ca", "create-root", "--config", config.toString())).isEqualTo(1);
        assertThat(again.toString()).contains("root: CN=Example Corp Root exists");

        StringWriter bad = new StringWriter();
        assertThat(run(new StringWriter(), bad, "ca", "create-root", "--key-algorithm", "RSA_1024", "--config",
                config.toString())).isEqualTo(2);
        assertThat(bad.toString()).contains("--key-algorithm");

        try (ControlPlaneFixture cp = new ControlPlaneFixture(dir)) {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(cp.caChain()))).stream()
                    .map(X509Certificate.class::cast).toList();
            assertThat(chain.get(chain.size() - 1).getSubjectX500Principal().getName()).isEqualTo("CN=Example Corp Root");
        }
    }
}
