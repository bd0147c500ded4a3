package dev.terminus.controlplane.ca;

import dev.terminus.controlplane.testing.OpenSsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asks the real OpenSSL what it thinks of our certificates and keys: chain verification (strict,
 * TLS server purpose), the extensions it prints, path length 0, and encrypted PKCS#8 in both
 * directions. Uses the system clock, because openssl verifies against the current time.
 */
class OpenSslInteropTest {

    private static final String PASS = "correct horse battery";

    private static CertificateAuthorityHierarchy ca;
    private static CreateSubordinateResponse east;

    @TempDir
    Path dir;

    @BeforeAll
    static void createHierarchy() {
        assumeTrue(Files.isExecutable(Path.of(OpenSsl.BINARY)), "openssl is not installed");
        ca = CertificateAuthorityHierarchy.empty(CaConfig.of("http://127.0.0.1:8089"), Clock.systemUTC());
        ca.createRoot(CreateRootRequest.of("Terminus Interop Root"));
        east = ca.createSubordinate(CreateSubordinateRequest.of("us-east-1"));
        ca.createSubordinate(CreateSubordinateRequest.of("eu-west-1"));
    }

    @Test
    void ok_opensslVerifiesRsaAndEcLeaves() throws Exception {
        write("root.pem", Pem.write(ca.root()));
        write("sub.pem", Pem.write(east.certificate()));
        write("chain.pem", ca.chainPem("us-east-1"));
        for (KeyAlgorithm algorithm : List.of(KeyAlgorithm.RSA_2048, KeyAlgorithm.EC_prime256v1)) {
            write("leaf.pem", Pem.write(issue("us-east-1", algorithm).certificate()));

            assertOk(OpenSsl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "sub.pem", "leaf.pem"));
            assertOk(OpenSsl.run(dir, "verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname",
                    "x.example.com", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem"));
        }
    }

    @Test
    void fail_opensslRejectsLeafOfOtherRegion() throws Exception {
        write("root.pem", Pem.write(ca.root()));
        write("west.pem", ca.chainPem("eu-west-1"));
        write("leaf.pem", Pem.write(issue("us-east-1", KeyAlgorithm.EC_prime256v1).certificate()));

        OpenSsl.Result result = OpenSsl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "west.pem", "leaf.pem");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("unable to get local issuer certificate");
    }

    @Test
    void ok_opensslShowsCrlOcspSansAndUsages() throws Exception {
        write("leaf.pem", Pem.write(issue("us-east-1", KeyAlgorithm.EC_prime256v1).certificate()));
        write("sub.pem", Pem.write(east.certificate()));

        OpenSsl.Result leaf = OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-text");
        assertOk(leaf);
        assertThat(leaf.output()).contains(
                "X509v3 CRL Distribution Points", "URI:http://127.0.0.1:8089/crl/us-east-1.crl",
                "OCSP - URI:http://127.0.0.1:8089/ocsp/us-east-1",
                "DNS:www.example.com, DNS:*.example.com",
                "TLS Web Server Authentication", "Digital Signature", "CA:FALSE",
                "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier");
        OpenSsl.Result sub = OpenSsl.run(dir, "x509", "-in", "sub.pem", "-noout", "-text");
        assertThat(sub.output()).contains("CA:TRUE, pathlen:0", "Certificate Sign, CRL Sign");
    }

    @Test
    void fail_leafIssuedByLeaf() throws Exception {
        IssueResponse leaf = issue("us-east-1", KeyAlgorithm.EC_prime256v1);
        // Bypass the hierarchy on purpose: sign with an end-entity key, as an attacker holding one would.
        CertificateSigner signer = new CertificateSigner(new SecureRandom());
        KeyPair key = KeyAlgorithm.EC_prime256v1.generate(new SecureRandom());
        X509Certificate forged = signer.endEntity(List.of("evil.example.com"), key.getPublic(),
                new Validity(leaf.certificate().getNotBefore().toInstant(), leaf.certificate().getNotAfter().toInstant()),
                new CaCredentials(leaf.certificate(), leaf.privateKey()), "http://x/crl", "http://x/ocsp");
        write("root.pem", Pem.write(ca.root()));
        write("untrusted.pem", Pem.write(List.of(leaf.certificate(), east.certificate())));
        write("forged.pem", Pem.write(forged));

        OpenSsl.Result result = OpenSsl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "untrusted.pem", "forged.pem");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("invalid CA certificate");
    }

    @Test
    void fail_caBelowPathLen0Subordinate() throws Exception {
        // Even a certificate that claims to be a CA cannot extend the chain below a pathlen:0 subordinate.
        CertificateSigner signer = new CertificateSigner(new SecureRandom());
        KeyPair rogueKey = KeyAlgorithm.EC_secp384r1.generate(new SecureRandom());
        X509Certificate issuerValidity = issue("us-east-1", KeyAlgorithm.EC_prime256v1).certificate();
        Validity validity = new Validity(issuerValidity.getNotBefore().toInstant(), issuerValidity.getNotAfter().toInstant());
        X509Certificate rogue = signer.subordinate("Rogue CA", rogueKey.getPublic(), validity, east.credentials());
        KeyPair leafKey = KeyAlgorithm.EC_prime256v1.generate(new SecureRandom());
        X509Certificate leaf = signer.endEntity(List.of("victim.example.com"), leafKey.getPublic(), validity,
                new CaCredentials(rogue, rogueKey.getPrivate()), "http://x/crl", "http://x/ocsp");
        write("root.pem", Pem.write(ca.root()));
        write("untrusted.pem", Pem.write(List.of(rogue, east.certificate())));
        write("leaf.pem", Pem.write(leaf));

        OpenSsl.Result result = OpenSsl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "untrusted.pem", "leaf.pem");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("path length constraint exceeded");
    }

    @Test
    void ok_encryptedPkcs8DecryptsWithOpenssl() throws Exception {
        IssueResponse issued = issue("us-east-1", KeyAlgorithm.EC_prime256v1);
        write("key.enc.pem", Pem.writeEncryptedPrivateKey(issued.privateKey(), PASS.toCharArray()));

        OpenSsl.Result structure = OpenSsl.run(dir, "asn1parse", "-in", "key.enc.pem");
        assertThat(structure.output()).contains("PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc");
        OpenSsl.Result decrypted = OpenSsl.run(dir, "pkey", "-in", "key.enc.pem", "-passin", "pass:" + PASS, "-pubout");
        assertOk(decrypted);
        assertThat(decrypted.output()).isEqualToIgnoringNewLines(publicKeyPem(issued.certificate().getPublicKey()));
        OpenSsl.Result wrong = OpenSsl.run(dir, "pkey", "-in", "key.enc.pem", "-passin", "pass:wrong horse", "-noout");
        assertThat(wrong.exitCode()).as(wrong.output()).isNotZero();
    }

    @Test
    void ok_readsKeysWrittenByOpenssl() throws Exception {
        assertOk(OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "key.pem"));
        assertOk(OpenSsl.run(dir, "pkcs8", "-topk8", "-in", "key.pem", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256",
                "-passout", "pass:" + PASS, "-out", "key.enc.pem"));
        assertOk(OpenSsl.run(dir, "pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"));

        PublicKey expected = publicKeyOf(Files.readString(dir.resolve("pub.pem")));
        assertThat(Restore.keyMatches(Pem.readPrivateKey(Files.readString(dir.resolve("key.pem"))), expected)).isTrue();
        assertThat(Restore.keyMatches(
                Pem.readEncryptedPrivateKey(Files.readString(dir.resolve("key.enc.pem")), PASS.toCharArray()), expected))
                .isTrue();
    }

    private static IssueResponse issue(String region, KeyAlgorithm algorithm) {
        return ca.issue(IssueRequest.of(region, "www.example.com")
                .withSubjectAlternativeNames("*.example.com")
                .withKeyAlgorithm(algorithm));
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(dir.resolve(name), content);
    }

    private static void assertOk(OpenSsl.Result result) {
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    private static String publicKeyPem(PublicKey key) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(key);
        }
        return out.toString();
    }

    private static PublicKey publicKeyOf(String pem) throws Exception {
        try (org.bouncycastle.openssl.PEMParser parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
            return new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
                    .getPublicKey((org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) parser.readObject());
        }
    }
}
