package dev.terminus.benchmarks;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes certificates in memory for benchmarks: one CA and any number of leaves, each with its
 * own key, as PEM bytes exactly as the proxy reads them from files. Nothing is written to disk.
 */
public final class GeneratedCertificates {
    /** One leaf as PEM: chain (leaf first) and PKCS#8 key. */
    public record Pem(String name, byte[] chain, byte[] key) {
    }

    private final X509Bundle ca;

    public GeneratedCertificates() throws Exception {
        Instant now = Instant.now();
        ca = new CertificateBuilder().subject("CN=Terminus Benchmark CA").setIsCertificateAuthority(true).ecp256()
                .notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(3650))).buildSelfSigned();
    }

    public X509Bundle ca() {
        return ca;
    }

    /** Issues one leaf for the DNS names; ECDSA P-256 unless {@code rsa}. */
    public Pem leaf(String id, boolean rsa, String... dnsNames) throws Exception {
        Instant now = Instant.now();
        GeneralName[] names = new GeneralName[dnsNames.length];
        for (int i = 0; i < dnsNames.length; i++) {
            names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
        }
        CertificateBuilder b = new CertificateBuilder().subject("CN=" + id)
                .notBefore(now.minus(Duration.ofHours(1))).notAfter(now.plus(Duration.ofDays(90)))
                .addExtendedKeyUsageServerAuth()
                .addExtensionOctetString("2.5.29.17", false, new GeneralNames(names).getEncoded());
        if (rsa) {
            b.rsa2048();
        } else {
            b.keyPair(ecKey());
        }
        X509Bundle leaf = b.buildIssuedBy(ca);
        return new Pem(id, leaf.getCertificatePathPEM().getBytes(StandardCharsets.US_ASCII),
                leaf.getPrivateKeyPEM().getBytes(StandardCharsets.US_ASCII));
    }

    /** Issues {@code count} ECDSA leaves named {@code host<i>.<domain>}, each with its own key. */
    public List<Pem> many(int count, String domain) throws Exception {
        List<Pem> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(leaf("host" + i, false, "host" + i + "." + domain));
        }
        return out;
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
