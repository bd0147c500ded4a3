package dev.terminus.proxy.devcerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checks the generated example set with the real {@code openssl} binary, as a client would. */
class ExampleCertificatesTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void writesEveryFileOnceInWriteOrderWithCaLast() throws IOException {
        List<Path> written = ExampleCertificates.ensure(dir, CLOCK);

        assertThat(written).extracting(p -> p.getFileName().toString())
                .containsExactly("example-ecdsa.pem", "example-ecdsa.key", "example-rsa.pem", "example-rsa.key",
                        "ca.pem");
        try (var files = Files.list(dir)) {
            // No temporary file is left behind; only the set and the lock file.
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("example-ecdsa.pem", "example-ecdsa.key", "example-rsa.pem",
                            "example-rsa.key", "ca.pem", ".lock");
        }
    }

    @ParameterizedTest
    @CsvSource({"example-ecdsa.pem", "example-rsa.pem"})
    void opensslVerifiesEachLeafAgainstTheCa(String chain) throws Exception {
        ExampleCertificates.ensure(dir, Clock.systemUTC());

        // -x509_strict also demands the SKI/AKI and key usages RFC 5280 requires of a CA.
        String out = openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", chain);

        assertThat(out.strip()).isEqualTo(chain + ": OK");
    }

    @ParameterizedTest
    @CsvSource({"example-ecdsa.pem", "example-rsa.pem"})
    void leavesNameTheExampleHostsAndLoopback(String chain) throws Exception {
        ExampleCertificates.ensure(dir, CLOCK);

        String out = openssl("x509", "-noout", "-ext", "subjectAltName", "-in", chain);

        assertThat(out).contains("DNS:localhost, DNS:terminus.test, DNS:*.terminus.test, IP Address:127.0.0.1");
    }

    @ParameterizedTest
    @CsvSource({
            "example-ecdsa.pem, example-ecdsa.key, id-ecPublicKey, Digital Signature",
            "example-rsa.pem,   example-rsa.key,   rsaEncryption,  'Digital Signature, Key Encipherment'",
    })
    void leavesHaveTheirKeyTypeUsagesAndMatchingPkcs8Key(String chain, String key, String algorithm,
                                                        String keyUsage) throws Exception {
        ExampleCertificates.ensure(dir, CLOCK);

        String text = openssl("x509", "-noout", "-text", "-in", chain);
        assertThat(text).contains("Public Key Algorithm: " + algorithm)
                .contains(algorithm.equals("rsaEncryption") ? "(2048 bit)" : "NIST CURVE: P-256")
                .contains("X509v3 Key Usage: critical\n                " + keyUsage + "\n")
                .contains("TLS Web Server Authentication")
                .contains("CA:FALSE")
                .contains("X509v3 Subject Key Identifier")
                .contains("X509v3 Authority Key Identifier");
        assertThat(Files.readString(dir.resolve(key))).startsWith("-----BEGIN PRIVATE" + " KEY-----\n");
        assertThat(openssl("pkey", "-pubout", "-in", key))
                .isEqualTo(openssl("x509", "-noout", "-pubkey", "-in", chain));
    }

    @Test
    void caIsAnEcdsaCaLimitedToLeavesForTenYears() throws Exception {
        ExampleCertificates.ensure(dir, CLOCK);

        String text = openssl("x509", "-noout", "-text", "-in", "ca.pem");
        assertThat(text).contains("Subject: CN = Terminus Example CA")
                .contains("NIST CURVE: P-256")
                .contains("CA:TRUE, pathlen:0")
                .contains("Certificate Sign, CRL Sign");
        X509Certificate ca = certificates("ca.pem").get(0);
        assertThat(ca.getNotBefore().toInstant()).isEqualTo(NOW.minus(ExampleIssuer.BACKDATE));
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(Instant.parse("2036-06-01T11:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource({"example-ecdsa.pem", "example-rsa.pem"})
    void chainIsLeafThenCaValidFor395Days(String chain) throws Exception {
        ExampleCertificates.ensure(dir, CLOCK);

        List<X509Certificate> certificates = certificates(chain);
        X509Certificate ca = certificates("ca.pem").get(0);
        assertThat(certificates).hasSize(2);
        assertThat(certificates.get(1)).isEqualTo(ca);
        X509Certificate leaf = certificates.get(0);
        leaf.verify(ca.getPublicKey());
        assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(395));
    }

    @Test
    void keysAreOwnerOnlyAndCertificatesWorldReadable() throws IOException {
        ExampleCertificates.ensure(dir, CLOCK);

        for (String key : List.of("example-ecdsa.key", "example-rsa.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
                    .as(key).isEqualTo("rw-------");
        }
        for (String cert : List.of("example-ecdsa.pem", "example-rsa.pem", "ca.pem")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(cert))))
                    .as(cert).isEqualTo("rw-r--r--");
        }
    }

    @Test
    void secondCallLeavesACompleteSetAlone() throws IOException {
        ExampleCertificates.ensure(dir, CLOCK);
        Map<String, byte[]> bytes = new HashMap<>();
        Map<String, FileTime> mtimes = new HashMap<>();
        for (String name : ExampleCertificates.FILES) {
            bytes.put(name, Files.readAllBytes(dir.resolve(name)));
            // Push mtimes into the past so that a rewrite within the same clock tick would show.
            FileTime past = FileTime.from(NOW.minus(Duration.ofDays(1)));
            Files.setLastModifiedTime(dir.resolve(name), past);
            mtimes.put(name, past);
        }

        List<Path> written = ExampleCertificates.ensure(dir, CLOCK);

        assertThat(written).isEmpty();
        for (String name : ExampleCertificates.FILES) {
            assertThat(Files.readAllBytes(dir.resolve(name))).as(name).isEqualTo(bytes.get(name));
            assertThat(Files.getLastModifiedTime(dir.resolve(name))).as(name).isEqualTo(mtimes.get(name));
        }
    }

    @Test
    void aMissingFileRegeneratesTheWholeSetUnderANewCa() throws Exception {
        ExampleCertificates.ensure(dir, CLOCK);
        byte[] oldCa = Files.readAllBytes(dir.resolve("ca.pem"));
        Files.delete(dir.resolve("example-rsa.key"));

        List<Path> written = ExampleCertificates.ensure(dir, CLOCK);

        assertThat(written).hasSize(5);
        assertThat(Files.readAllBytes(dir.resolve("ca.pem"))).isNotEqualTo(oldCa);
        assertThat(openssl("verify", "-attime", Long.toString(NOW.getEpochSecond()), "-CAfile", "ca.pem",
                "example-ecdsa.pem", "example-rsa.pem"))
                .contains("example-ecdsa.pem: OK").contains("example-rsa.pem: OK");
    }

    @Test
    void anExpiredLeafRegeneratesTheSet() throws IOException {
        ExampleCertificates.ensure(dir, CLOCK);
        Clock later = Clock.offset(CLOCK, Duration.ofDays(396));

        assertThat(ExampleCertificates.ensure(dir, later)).hasSize(5);
        assertThat(certificates("example-ecdsa.pem").get(0).getNotAfter().toInstant())
                .isAfter(later.instant());
    }

    @Test
    void mainPrintsOneLinePerGeneratedFileThenNothing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path target = dir.resolve("certs");

        int first = ExampleCertificates.run(new String[] {target.toString()}, print(out), print(err));
        String firstOut = out.toString(StandardCharsets.UTF_8);
        out.reset();
        int second = ExampleCertificates.run(new String[] {target.toString()}, print(out), print(err));

        assertThat(first).isZero();
        assertThat(firstOut.lines()).hasSize(5).allMatch(line -> line.startsWith("generated " + target));
        assertThat(second).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void mainWithoutADirectoryIsBadUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = ExampleCertificates.run(new String[0], print(new ByteArrayOutputStream()), print(err));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("usage: ");
    }

    private List<X509Certificate> certificates(String file) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            List<X509Certificate> result = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                result.add((X509Certificate) c);
            }
            return result;
        } catch (java.security.cert.CertificateException e) {
            throw new AssertionError(file + " is not PEM certificates", e);
        }
    }

    /** Runs the real openssl in {@link #dir}; fails the test on a non-zero exit. */
    private String openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
