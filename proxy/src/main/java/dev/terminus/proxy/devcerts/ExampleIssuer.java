package dev.terminus.proxy.devcerts;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the example CA and its two leaf certificates in memory, as PEM text. Knows nothing
 * about files; {@link ExampleCertificates} writes what this returns.
 */
final class ExampleIssuer {

    static final String CA_NAME = "CN=Terminus Example CA,O=Terminus example";
    static final String[] DNS_NAMES = {"localhost", "terminus.test", "*.terminus.test"};
    static final String IP_ADDRESS = "127.0.0.1";
    static final int CA_YEARS = 10;
    static final Duration LEAF_LIFETIME = Duration.ofDays(395);
    /** Back-dates notBefore so that a client whose clock is a little behind still accepts. */
    static final Duration BACKDATE = Duration.ofHours(1);

    /** The PEM text of one generated set: two chains (leaf then CA), two keys and the CA. */
    record PemSet(String ecdsaChain, String ecdsaKey, String rsaChain, String rsaKey, String ca) {
    }

    private final SecureRandom random = new SecureRandom();

    /** Generates a fresh CA and both leaves valid from {@code now}; the CA key is not kept. */
    PemSet issue(Instant now) {
        try {
            Instant notBefore = now.minus(BACKDATE);
            KeyPair caKeys = ecKeyPair();
            X509CertificateHolder ca = caCertificate(caKeys, notBefore);
            KeyPair ecdsa = ecKeyPair();
            KeyPair rsa = rsaKeyPair();
            X509CertificateHolder ecdsaLeaf = leaf(ecdsa.getPublic(), false, ca, caKeys, notBefore);
            X509CertificateHolder rsaLeaf = leaf(rsa.getPublic(), true, ca, caKeys, notBefore);
            String caPem = pem(ca);
            return new PemSet(pem(ecdsaLeaf) + caPem, pkcs8(ecdsa.getPrivate()),
                    pem(rsaLeaf) + caPem, pkcs8(rsa.getPrivate()), caPem);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            // The JDK always ships EC P-256, RSA and SHA-256: a failure here is a broken runtime.
            throw new IllegalStateException("cannot generate example certificates", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private X509CertificateHolder caCertificate(KeyPair caKeys, Instant notBefore)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        X500Name name = new X500Name(CA_NAME);
        Instant notAfter = ZonedDateTime.ofInstant(notBefore, ZoneOffset.UTC).plusYears(CA_YEARS).toInstant();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(notBefore), Date.from(notAfter), name, caKeys.getPublic())
                // pathlen 0: this CA signs leaves only, never another CA (RFC 5280 §4.2.1.9).
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        ext.createSubjectKeyIdentifier(caKeys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false,
                        ext.createAuthorityKeyIdentifier(caKeys.getPublic()));
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
    }

    private X509CertificateHolder leaf(PublicKey key, boolean rsa, X509CertificateHolder ca, KeyPair caKeys,
                                       Instant notBefore)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        GeneralName[] names = new GeneralName[DNS_NAMES.length + 1];
        for (int i = 0; i < DNS_NAMES.length; i++) {
            names[i] = new GeneralName(GeneralName.dNSName, DNS_NAMES[i]);
        }
        names[DNS_NAMES.length] = new GeneralName(GeneralName.iPAddress, IP_ADDRESS);
        // keyEncipherment only for RSA: TLS 1.2 RSA key exchange; meaningless for an EC key.
        int usage = KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0);
        X500Name subject = new X500Name("CN=terminus.test,O=Terminus example,OU=" + (rsa ? "RSA" : "ECDSA"));
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.getSubject(), serial(),
                Date.from(notBefore), Date.from(notBefore.plus(LEAF_LIFETIME)), subject, key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
    }

    /** Returns a positive serial of at most 20 octets with 159 random bits (RFC 5280 §4.1.2.2). */
    private BigInteger serial() {
        return new BigInteger(159, random).setBit(158);
    }

    private KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private KeyPair rsaKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, random);
        return generator.generateKeyPair();
    }

    private static String pem(X509CertificateHolder certificate) throws IOException {
        return writePem(certificate);
    }

    /** Encodes as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), which OpenSSL and Netty both read. */
    private static String pkcs8(PrivateKey key) throws IOException {
        return writePem(new JcaPKCS8Generator(key, null));
    }

    private static String writePem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
