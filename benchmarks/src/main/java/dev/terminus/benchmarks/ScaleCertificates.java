package dev.terminus.benchmarks;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * Writes N ECDSA P-256 certificates for the scale benchmark, each with its own key, in the
 * layout of {@code certificate-directories}: {@code host<i>.pem} (the leaf, then its issuing CA
 * as a server sends it, unless {@code leaf-only}) and
 * {@code host<i>.key} (PKCS#8 without the public key, as the JDK and most tools write it), for
 * {@code host<i>.scale.test}, and nothing else (a stray file would be refused by the directory
 * scan). Generated at run time, never committed.
 *
 * <p>About 150 µs per certificate on one core: keys and signatures use Bouncy Castle's
 * fixed-point multiplication directly, and the certificates are assembled at the ASN.1 level.
 * (The pkitesting builder takes ~1.5 ms each, 150 s for 100,000.) Runs on every core.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.terminus.benchmarks.ScaleCertificates DIR [COUNT [leaf-only]]</pre>
 */
public final class ScaleCertificates {
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(),
            P256.getN(), P256.getH());
    private static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(
            X9ObjectIdentifiers.ecdsa_with_SHA256);
    private static final AlgorithmIdentifier EC_P256 = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
            SECObjectIdentifiers.secp256r1);
    private static final String KEY_TYPE = "PRIVATE" + " KEY";

    private final SecureRandom random = new SecureRandom();
    private final BigInteger caKey;
    private final X500Name caName = new X500Name("CN=Terminus Scale Benchmark CA");
    private final byte[] caPem;
    private final Time notBefore;
    private final Time notAfter;

    private ScaleCertificates() throws IOException {
        Instant now = Instant.now();
        notBefore = new Time(Date.from(now.minus(Duration.ofHours(1))));
        notAfter = new Time(Date.from(now.plus(Duration.ofDays(30))));
        caKey = scalar();
        Extensions ca = new Extensions(new Extension[] {
                new Extension(Extension.basicConstraints, true, new BasicConstraints(true).getEncoded())});
        caPem = pem("CERTIFICATE", certificate(BigInteger.ONE, caName, publicKey(caKey), ca));
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ScaleCertificates DIR [COUNT [leaf-only]]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        boolean withIssuer = args.length <= 2 || !args[2].equals("leaf-only");
        long t0 = System.nanoTime();
        write(dir, count, withIssuer);
        System.out.printf(Locale.ROOT, "generated %d certificates in %s (%.1f s)%n", count, dir,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Writes {@code count} certificate and key pairs into {@code dir}, in parallel.
     *
     * @param withIssuer put the issuing CA after each leaf, as a server's chain file has it
     */
    public static void write(Path dir, int count, boolean withIssuer) throws IOException {
        ScaleCertificates pki = new ScaleCertificates();
        AtomicReference<Exception> failure = new AtomicReference<>();
        IntStream.range(0, count).parallel().forEach(i -> {
            try {
                pki.leaf(dir, i, withIssuer);
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        });
        if (failure.get() != null) {
            throw new IOException("could not write certificate: " + failure.get(), failure.get());
        }
    }

    private void leaf(Path dir, int i, boolean withIssuer) throws IOException {
        String host = "host" + i;
        BigInteger key = scalar();
        GeneralNames san = new GeneralNames(new GeneralName(GeneralName.dNSName, host + ".scale.test"));
        Extensions extensions = new Extensions(new Extension[] {
                new Extension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth).getEncoded()),
                new Extension(Extension.subjectAlternativeName, false, san.getEncoded())});
        byte[] leaf = certificate(BigInteger.valueOf(i + 2L), new X500Name("CN=" + host), publicKey(key), extensions);
        byte[] chain = withIssuer ? concat(pem("CERTIFICATE", leaf), caPem) : pem("CERTIFICATE", leaf);
        ECPrivateKey sec1 = new ECPrivateKey(256, key, null, null);
        byte[] pkcs8 = new PrivateKeyInfo(EC_P256, sec1).getEncoded();
        Files.write(dir.resolve(host + ".pem"), chain);
        Files.write(dir.resolve(host + ".key"), pem(KEY_TYPE, pkcs8));
    }

    private byte[] certificate(BigInteger serial, X500Name subject, SubjectPublicKeyInfo spki, Extensions extensions)
            throws IOException {
        V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
        g.setSerialNumber(new ASN1Integer(serial));
        g.setSignature(ECDSA_SHA256);
        g.setIssuer(caName);
        g.setStartDate(notBefore);
        g.setEndDate(notAfter);
        g.setSubject(subject);
        g.setSubjectPublicKeyInfo(spki);
        g.setExtensions(extensions);
        TBSCertificate tbs = g.generateTBSCertificate();
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(tbs.getEncoded());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ECDSASigner signer = new ECDSASigner();
        signer.init(true, new org.bouncycastle.crypto.params.ParametersWithRandom(
                new ECPrivateKeyParameters(caKey, DOMAIN), random));
        BigInteger[] rs = signer.generateSignature(digest);
        byte[] signature = new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(rs[1])})
                .getEncoded();
        return Certificate.getInstance(new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
                tbs, ECDSA_SHA256, new DERBitString(signature)})).getEncoded();
    }

    private BigInteger scalar() {
        BigInteger n = DOMAIN.getN();
        BigInteger d;
        do {
            d = new BigInteger(n.bitLength(), random);
        } while (d.signum() == 0 || d.compareTo(n) >= 0);
        return d;
    }

    private static SubjectPublicKeyInfo publicKey(BigInteger d) {
        ECPoint q = new FixedPointCombMultiplier().multiply(DOMAIN.getG(), d).normalize();
        return new SubjectPublicKeyInfo(EC_P256, q.getEncoded(false));
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
