package dev.terminus.controlplane.certificates;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds keys and certificates in code for import tests: CAs, leaves, broken and odd ones. */
final class TestPki {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    /** Holds a certificate with its key pair. */
    record Issued(X509Certificate certificate, KeyPair keys) {
        String subject() {
            return certificate.getSubjectX500Principal().getName();
        }
    }

    private TestPki() {
    }

    static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec() {
        return ec("secp256r1");
    }

    static KeyPair rsa(int bits) {
        return generate("RSA", bits);
    }

    static KeyPair ed25519() {
        return generate("Ed25519", 0);
    }

    /** Returns a self-signed CA valid from {@code from} to {@code to}. */
    static Issued ca(String commonName, Instant from, Instant to) {
        KeyPair keys = ec();
        X500Name name = new X500Name("CN=" + commonName);
        return new Issued(build(name, keys.getPublic(), List.of(), from, to, true, name, keys.getPrivate()), keys);
    }

    /** Returns a CA signed by {@code issuer}. */
    static Issued intermediate(String commonName, Issued issuer, Instant from, Instant to) {
        KeyPair keys = ec();
        return new Issued(build(new X500Name("CN=" + commonName), keys.getPublic(), List.of(), from, to, true,
                new X500Name(issuer.subject()), issuer.keys().getPrivate()), keys);
    }

    /** Returns an end-entity certificate for {@code keys} signed by {@code issuer}; {@code subject} like "CN=www.example.com". */
    static Issued leaf(String subject, KeyPair keys, List<String> dnsNames, Instant from, Instant to, Issued issuer) {
        return new Issued(build(new X500Name(subject), keys.getPublic(), dnsNames, from, to, false,
                new X500Name(issuer.subject()), issuer.keys().getPrivate()), keys);
    }

    static X509Certificate build(X500Name subject, PublicKey key, List<String> dnsNames, Instant from, Instant to,
            boolean ca, X500Name issuer, PrivateKey issuerKey) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(from), Date.from(to), subject, key);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (!dnsNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                        .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            }
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns {@code key} as PKCS#8 ENCRYPTED PRIVATE KEY with few iterations (tests only check the refusal). */
    static String encryptedPkcs8(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setIterationCount(1000).setPassword("secret".toCharArray()).setProvider(BC).build()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns {@code key} in OpenSSL's traditional encrypted form (Proc-Type: 4,ENCRYPTED). */
    static String encryptedTraditional(PrivateKey key) {
        try {
            return write(new JcaMiscPEMGenerator(key, new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC).build("secret".toCharArray())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object generator) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (generator instanceof org.bouncycastle.util.io.pem.PemObjectGenerator pem) {
                writer.writeObject(pem);
            } else {
                writer.writeObject(generator);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static KeyPair generate(String algorithm, int size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (size > 0) {
                generator.initialize(size, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
