package dev.terminus.proxy.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Generates a test CA and leaf certificates at run time and writes them as PEM files. Nothing
 * here is ever committed: every test run makes fresh keys.
 */
public final class TestPki {
    private final Path dir;
    private final X509Bundle ca;

    public TestPki(Path dir) throws Exception {
        this.dir = dir;
        Instant now = Instant.now();
        this.ca = new CertificateBuilder().subject("CN=Terminus Test CA").setIsCertificateAuthority(true)
                .ecp256().notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(3650)))
                .buildSelfSigned();
        Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM());
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    public X509Bundle ca() {
        return ca;
    }

    /** Issues an ECDSA P-256 leaf, CN = {@code id}, with the given DNS SANs; writes id.pem and id.key. */
    public Files2 ecdsa(String id, String... sans) throws Exception {
        return issue(id, false, Duration.ofDays(90), sans);
    }

    /** Issues an RSA-2048 leaf, CN = {@code id}, with the given DNS SANs; writes id.pem and id.key. */
    public Files2 rsa(String id, String... sans) throws Exception {
        return issue(id, true, Duration.ofDays(90), sans);
    }

    /** Issues a leaf valid from now for the given time. */
    public Files2 issue(String id, boolean rsa, Duration validity, String... sans) throws Exception {
        Instant now = Instant.now();
        return issue(id, rsa, now.minus(Duration.ofHours(1)), now.plus(validity), sans);
    }

    /** Issues a leaf with explicit validity bounds (for expired and not-yet-valid cases). */
    public Files2 issue(String id, boolean rsa, Instant notBefore, Instant notAfter, String... sans) throws Exception {
        CertificateBuilder b = new CertificateBuilder().subject("CN=" + id).notBefore(notBefore).notAfter(notAfter)
                .addExtendedKeyUsageServerAuth();
        if (sans.length > 0) {
            withDnsNames(b, sans);
        }
        X509Bundle leaf = (rsa ? b.rsa2048() : b.ecp256()).buildIssuedBy(ca);
        Path chain = dir.resolve(id + ".pem");
        Path key = dir.resolve(id + ".key");
        Files.writeString(chain, leaf.getCertificatePathPEM());
        Files.writeString(key, leaf.getPrivateKeyPEM());
        return new Files2(id, chain, key, leaf);
    }

    /** Adds DNS SANs; pkitesting's addSanDnsName cannot express wildcards, so encode the extension here. */
    public static CertificateBuilder withDnsNames(CertificateBuilder b, String... sans) throws IOException {
        org.bouncycastle.asn1.x509.GeneralName[] names = new org.bouncycastle.asn1.x509.GeneralName[sans.length];
        for (int i = 0; i < sans.length; i++) {
            names[i] = new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName,
                    sans[i]);
        }
        return b.addExtensionOctetString("2.5.29.17", false,
                new org.bouncycastle.asn1.x509.GeneralNames(names).getEncoded());
    }

    /** A chain file and a key file for one certificate. */
    public record Files2(String id, Path chain, Path key, X509Bundle bundle) {
        public String serialHex() {
            return bundle.getCertificate().getSerialNumber().toString(16);
        }

        /** Overwrites this certificate's files with another certificate's content. */
        public void replaceWith(Files2 other) throws IOException {
            Path tmpChain = chain.resolveSibling(chain.getFileName() + ".tmp");
            Path tmpKey = key.resolveSibling(key.getFileName() + ".tmp");
            Files.copy(other.chain, tmpChain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(other.key, tmpKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmpKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmpChain, chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
