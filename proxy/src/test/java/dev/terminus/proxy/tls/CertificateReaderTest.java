package dev.terminus.proxy.tls;

import dev.terminus.proxy.testing.Commands;
import dev.terminus.proxy.testing.TestPki;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The byte-level reader against the JDK's and OpenSSL's view of the same files: what it extracts
 * from certificates, every key format it accepts, and every refusal, on both TLS providers.
 */
class CertificateReaderTest {
    private static final String KEY_HEADER = "-----BEGIN PRIVATE" + " KEY-----";
    static final Instant NOW = Instant.now();
    static X509Bundle ca;
    static X509Bundle intermediate;
    static TlsProvider boring;
    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        ca = new CertificateBuilder().subject("CN=Reader Test CA").setIsCertificateAuthority(true).ecp256()
                .notBefore(NOW.minus(Duration.ofDays(1))).notAfter(NOW.plus(Duration.ofDays(3650))).buildSelfSigned();
        intermediate = new CertificateBuilder().subject("CN=Reader Test Intermediate").setIsCertificateAuthority(true)
                .ecp256().notBefore(NOW.minus(Duration.ofDays(1))).notAfter(NOW.plus(Duration.ofDays(365)))
                .buildIssuedBy(ca);
        boring = TlsProvider.detect(false);
        assertThat(boring.isOpenSsl()).isTrue();
    }

    private static CertificateReader reader(boolean jdk) {
        return new CertificateReader(Clock.fixed(NOW, ZoneOffset.UTC), jdk);
    }

    private static X509Bundle leaf(CertificateBuilder.Algorithm algorithm, String cn, String... sans) throws Exception {
        CertificateBuilder b = new CertificateBuilder().subject("CN=" + cn).algorithm(algorithm)
                .notBefore(NOW.minus(Duration.ofHours(1))).notAfter(NOW.plus(Duration.ofDays(90)));
        if (sans.length > 0) {
            TestPki.withDnsNames(b, sans);
        }
        return b.buildIssuedBy(intermediate);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads with the reader of the provider, then builds its key material as the proxy would. */
    private static LoadedCertificate readAndServe(boolean jdk, byte[] chain, byte[] key) throws CertificateException {
        LoadedCertificate c = reader(jdk).read("c", chain, "c.pem", key, "c.key");
        ServedCertificate served = (jdk ? TlsProvider.detect(true) : boring).serve(c);
        served.release();
        return c;
    }

    @ParameterizedTest(name = "{0}, JDK objects {1}")
    @CsvSource({"ecp256, false", "ecp256, true", "ecp384, false", "ecp384, true", "rsa2048, false",
            "rsa2048, true", "rsa3072, false"})
    void extractsWhatTheJdkReads(CertificateBuilder.Algorithm algorithm, boolean jdk) throws Exception {
        X509Bundle b = leaf(algorithm, "x", "a.test", "*.B.test.", "a.test");
        LoadedCertificate c = readAndServe(jdk, ascii(b.getCertificatePathPEM()), ascii(b.getPrivateKeyPEM()));
        X509Certificate x = b.getCertificate();
        assertThat(c.names()).containsExactly("a.test", "*.b.test");
        assertThat(c.serial()).isEqualTo(x.getSerialNumber());
        assertThat(c.serialHex()).isEqualTo(x.getSerialNumber().toString(16));
        assertThat(c.notBefore()).isEqualTo(x.getNotBefore().toInstant());
        assertThat(c.notAfter()).isEqualTo(x.getNotAfter().toInstant());
        assertThat(c.keyType()).isEqualTo(switch (algorithm) {
            case ecp256 -> "EC_prime256v1";
            case ecp384 -> "EC_secp384r1";
            case rsa2048 -> "RSA_2048";
            default -> "RSA_3072";
        });
        assertThat(c.chain()).hasSize(2);
        assertThat(c.chain()[0].getEncoded()).isEqualTo(x.getEncoded());
        assertThat(c.chain()[1].getEncoded()).isEqualTo(intermediate.getCertificate().getEncoded());
    }

    @Test
    void readsGeneralizedTimeAfter2049AndUtcTimeBefore() throws Exception {
        // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
        Instant from = Instant.parse("2020-02-29T23:59:58Z");
        Instant to = Instant.parse("2051-03-01T00:00:01Z");
        X509Bundle b = new CertificateBuilder().subject("CN=long").ecp256().notBefore(from).notAfter(to)
                .buildIssuedBy(ca);
        LoadedCertificate c = reader(false).read("c", ascii(b.getCertificatePEM()), "c.pem",
                ascii(b.getPrivateKeyPEM()), "c.key");
        assertThat(c.notBefore()).isEqualTo(from);
        assertThat(c.notAfter()).isEqualTo(to);
    }

    @Test
    void takesDnsNamesOnlyFromSubjectAltNameAndTheCommonNameWithoutOne() throws Exception {
        X509Bundle mixed = new CertificateBuilder().subject("CN=cn.test").ecp256().addSanIpAddress("127.0.0.1")
                .addSanDnsName("dns.test").addSanRfc822Name("a@mail.test").notBefore(NOW.minusSeconds(60))
                .notAfter(NOW.plus(Duration.ofDays(1))).buildIssuedBy(ca);
        assertThat(reader(false).read("m", ascii(mixed.getCertificatePEM()), "m.pem", ascii(mixed.getPrivateKeyPEM()),
                "m.key").names()).containsExactly("dns.test");
        X509Bundle cnOnly = new CertificateBuilder().subject("O=Org, CN=Only.CN.test").ecp256()
                .notBefore(NOW.minusSeconds(60)).notAfter(NOW.plus(Duration.ofDays(1))).buildIssuedBy(ca);
        assertThat(reader(false).read("c", ascii(cnOnly.getCertificatePEM()), "c.pem",
                ascii(cnOnly.getPrivateKeyPEM()), "c.key").names()).containsExactly("only.cn.test");
    }

    @Test
    void serialHexMatchesBigIntegerForAnySerial() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        List<BigInteger> serials = new ArrayList<>(List.of(BigInteger.ONE, BigInteger.valueOf(0x80),
                BigInteger.valueOf(0x0f), new BigInteger("00ff00", 16)));
        for (int i = 0; i < 20; i++) {
            serials.add(new BigInteger(1 + random.nextInt(159), new java.util.Random(random.nextLong())).add(BigInteger.ONE));
        }
        for (BigInteger serial : serials) {
            X509Bundle b = new CertificateBuilder().subject("CN=s").serial(serial).ecp256()
                    .notBefore(NOW.minusSeconds(60)).notAfter(NOW.plus(Duration.ofDays(1))).buildIssuedBy(ca);
            LoadedCertificate c = reader(false).read("s", ascii(b.getCertificatePEM()), "s.pem",
                    ascii(b.getPrivateKeyPEM()), "s.key");
            assertThat(c.serialHex()).as(serial.toString(16)).isEqualTo(serial.toString(16));
        }
    }

    @Test
    void handsBoringSslTheKeyWithTheCertificatesPublicPoint() throws Exception {
        X509Bundle b = leaf(CertificateBuilder.Algorithm.ecp256, "p", "p.test");
        byte[] original = b.getKeyPair().getPrivate().getEncoded();
        assertThat(ecPrivateKey(original).getPublicKey()).as("generated keys carry no public point").isNull();
        LoadedCertificate c = reader(false).read("p", ascii(b.getCertificatePEM()), "p.pem",
                ascii(b.getPrivateKeyPEM()), "p.key");
        org.bouncycastle.asn1.sec.ECPrivateKey handed = ecPrivateKey(c.key().getEncoded());
        assertThat(handed.getKey()).isEqualTo(ecPrivateKey(original).getKey());
        assertThat(handed.getPublicKey().getOctets()).isEqualTo(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo
                .getInstance(b.getCertificate().getPublicKey().getEncoded()).getPublicKeyData().getOctets());
        // The JDK provider gets the key as it was written.
        assertThat(reader(true).read("p", ascii(b.getCertificatePEM()), "p.pem", ascii(b.getPrivateKeyPEM()), "p.key")
                .key().getEncoded()).isEqualTo(original);
    }

    private static org.bouncycastle.asn1.sec.ECPrivateKey ecPrivateKey(byte[] pkcs8) throws Exception {
        return org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey());
    }

    /** The same key in every PEM form OpenSSL writes; each must load on both providers. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pkcs8-as-generated", "pkcs8-with-public-key", "sec1", "sec1-with-parameters-block",
            "pkcs1", "crlf-and-text-around"})
    void acceptsEveryUnencryptedKeyForm(String form) throws Exception {
        boolean rsa = form.equals("pkcs1");
        X509Bundle b = leaf(rsa ? CertificateBuilder.Algorithm.rsa2048 : CertificateBuilder.Algorithm.ecp256,
                form, form + ".test");
        byte[] key = keyIn(form, b);
        for (boolean jdk : new boolean[] {false, true}) {
            LoadedCertificate c = readAndServe(jdk, ascii(b.getCertificatePathPEM()), key);
            assertThat(c.names()).containsExactly(form + ".test");
        }
    }

    private static byte[] keyIn(String form, X509Bundle b) throws Exception {
        Path original = Files.writeString(dir.resolve("original.key"), b.getPrivateKeyPEM());
        return switch (form) {
            case "pkcs8-as-generated" -> Files.readAllBytes(original);
            case "pkcs8-with-public-key" -> openssl("pkcs8", "-topk8", "-nocrypt", "-in",
                    Files.write(dir.resolve("sec1.key"), openssl("ec", "-in", original.toString())).toString());
            case "sec1" -> openssl("ec", "-in", original.toString());
            case "sec1-with-parameters-block" -> concat(openssl("ecparam", "-name", "prime256v1"),
                    openssl("ec", "-in", original.toString()));
            case "pkcs1" -> openssl("rsa", "-traditional", "-in", original.toString());
            case "crlf-and-text-around" -> ascii("a comment before\r\n"
                    + b.getPrivateKeyPEM().replace("\n", "\r\n") + "and after\r\n");
            default -> throw new IllegalArgumentException(form);
        };
    }

    private static byte[] openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Commands.Result r = Commands.run(command);
        assertThat(r.exitCode()).as(r.output()).isZero();
        String out = r.output();
        return ascii(out.substring(out.indexOf("-----BEGIN")));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A key of another certificate, in forms that reach each of the three mismatch checks. */
    @ParameterizedTest(name = "{0}, JDK objects {1}")
    @CsvSource({"pkcs8-as-generated, false", "pkcs8-as-generated, true", "pkcs8-with-public-key, false",
            "pkcs8-with-public-key, true", "sec1, false", "pkcs1, false", "pkcs1, true"})
    void refusesAKeyOfAnotherCertificate(String form, boolean jdk) throws Exception {
        boolean rsa = form.equals("pkcs1");
        CertificateBuilder.Algorithm algorithm = rsa ? CertificateBuilder.Algorithm.rsa2048
                : CertificateBuilder.Algorithm.ecp256;
        X509Bundle served = leaf(algorithm, "served", "served.test");
        X509Bundle other = leaf(algorithm, "other", "other.test");
        assertThatThrownBy(() -> readAndServe(jdk, ascii(served.getCertificatePathPEM()), keyIn(form, other)))
                .isInstanceOf(CertificateException.class)
                .hasMessage("c.key: private key does not match the certificate in c.pem");
    }

    @ParameterizedTest(name = "{0} certificate, {1} key")
    @CsvSource({"ecp256, ecp384", "ecp384, ecp256", "ecp256, rsa2048", "rsa2048, ecp256"})
    void refusesAKeyOfAnotherTypeOrCurve(CertificateBuilder.Algorithm cert, CertificateBuilder.Algorithm key)
            throws Exception {
        X509Bundle served = leaf(cert, "served", "served.test");
        X509Bundle other = leaf(key, "other", "other.test");
        for (boolean jdk : new boolean[] {false, true}) {
            assertThatThrownBy(() -> readAndServe(jdk, ascii(served.getCertificatePEM()), ascii(other.getPrivateKeyPEM())))
                    .hasMessage("c.key: private key does not match the certificate in c.pem");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no END line | c.pem: malformed PEM certificate: -----END CERTIFICATE----- not found",
            "not base64 | c.pem: malformed PEM certificate: content of CERTIFICATE is not base64",
            "not a certificate | c.pem: malformed PEM certificate: unexpected tag",
            "truncated | c.pem: malformed PEM certificate: element longer than its container",
            "trailing data | c.pem: malformed PEM certificate: unexpected data after the end",
            "bad intermediate | c.pem: malformed PEM certificate: unexpected tag",
            "key block in chain | c.pem: unexpected PEM block 'PRIVATE KEY' in a certificate chain",
            "nothing | c.pem: no certificate found",
    })
    void refusesMalformedChainsNamingTheFile(String what, String message) throws Exception {
        X509Bundle b = leaf(CertificateBuilder.Algorithm.ecp256, "m", "m.test");
        String pem = b.getCertificatePEM();
        byte[] der = b.getCertificate().getEncoded();
        String chain = switch (what) {
            case "no END line" -> pem.substring(0, pem.indexOf("-----END"));
            case "not base64" -> "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
            case "not a certificate" -> block("CERTIFICATE", new byte[] {0x02, 0x01, 0x00});
            case "truncated" -> block("CERTIFICATE", java.util.Arrays.copyOf(der, der.length - 10));
            case "trailing data" -> block("CERTIFICATE", concat(der, new byte[] {0x05, 0x00}));
            case "bad intermediate" -> pem + block("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});
            case "key block in chain" -> pem + b.getPrivateKeyPEM();
            case "nothing" -> "hello\n";
            default -> throw new IllegalArgumentException(what);
        };
        for (boolean jdk : new boolean[] {false, true}) {
            assertThatThrownBy(() -> readAndServe(jdk, ascii(chain), ascii(b.getPrivateKeyPEM())))
                    .isInstanceOf(CertificateException.class).hasMessageStartingWith(message);
        }
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + java.util.Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PKCS#8 encrypted | c.key: private key is encrypted",
            "legacy encrypted header | c.key: private key is encrypted",
            "certificate only | c.key: unexpected PEM block 'CERTIFICATE'",
            "nothing | c.key: no private key found",
            "garbage in key | c.key: malformed private key",
    })
    void refusesUnusableKeysNamingTheFile(String what, String message) throws Exception {
        X509Bundle b = leaf(CertificateBuilder.Algorithm.ecp256, "k", "k.test");
        String key = switch (what) {
            case "PKCS#8 encrypted" -> new String(openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout",
                    "pass:secret", "-in", Files.writeString(dir.resolve("k.key"), b.getPrivateKeyPEM()).toString()),
                    StandardCharsets.US_ASCII);
            case "legacy encrypted header" -> "-----BEGIN EC PRIVATE" + " KEY-----\nProc-Type: 4,ENCRYPTED\n"
                    + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END EC PRIVATE" + " KEY-----\n";
            case "certificate only" -> b.getCertificatePEM();
            case "nothing" -> "\n";
            case "garbage in key" -> block("PRIVATE" + " KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});
            default -> throw new IllegalArgumentException(what);
        };
        for (boolean jdk : new boolean[] {false, true}) {
            assertThatThrownBy(() -> readAndServe(jdk, ascii(b.getCertificatePEM()), ascii(key)))
                    .isInstanceOf(CertificateException.class).hasMessageStartingWith(message);
        }
    }

    @Test
    void refusesUnsupportedKeysAndSmallRsa() throws Exception {
        X509Bundle ed = new CertificateBuilder().subject("CN=ed").algorithm(CertificateBuilder.Algorithm.ed25519)
                .notBefore(NOW.minusSeconds(60)).notAfter(NOW.plus(Duration.ofDays(1))).buildIssuedBy(ca);
        assertThatThrownBy(() -> readAndServe(false, ascii(ed.getCertificatePEM()), ascii(ed.getPrivateKeyPEM())))
                .hasMessage("c.pem: key algorithm 1.3.101.112 (expected: RSA or ECDSA)");
        Path key = dir.resolve("p521.key");
        Commands.Result r = Commands.run(List.of("openssl", "ecparam", "-genkey", "-noout", "-name", "secp521r1",
                "-out", key.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        Path cert = dir.resolve("p521.pem");
        r = Commands.run(List.of("openssl", "req", "-new", "-x509", "-key", key.toString(), "-subj", "/CN=p521.test",
                "-days", "2", "-out", cert.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThatThrownBy(() -> readAndServe(false, Files.readAllBytes(cert), Files.readAllBytes(key)))
                .hasMessage("c.pem: EC key on curve 1.3.132.0.35 (expected: P-256 or P-384)");
        Path rsaKey = dir.resolve("rsa1024.key");
        Path rsaCert = dir.resolve("rsa1024.pem");
        r = Commands.run(List.of("openssl", "req", "-new", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout",
                rsaKey.toString(), "-subj", "/CN=small.test", "-days", "2", "-out", rsaCert.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThatThrownBy(() -> readAndServe(false, Files.readAllBytes(rsaCert), Files.readAllBytes(rsaKey)))
                .hasMessage("c.pem: RSA key of 1024 bits (expected: at least 2048)");
    }

    @Test
    void readsOpenSslMadeCertificatesAndKeysAsIs() throws Exception {
        // A self-signed certificate and SEC1 key exactly as the openssl command line writes them.
        Path key = dir.resolve("cli.key");
        Path cert = dir.resolve("cli.pem");
        Commands.Result r = Commands.run(List.of("openssl", "req", "-new", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", key.toString(), "-subj", "/CN=cli.test",
                "-addext", "subjectAltName=DNS:cli.test,IP:10.0.0.1,DNS:www.cli.test", "-days", "3",
                "-out", cert.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        for (boolean jdk : new boolean[] {false, true}) {
            LoadedCertificate c = new CertificateReader(Clock.systemUTC(), jdk).read("cli", cert, key);
            assertThat(c.names()).containsExactly("cli.test", "www.cli.test");
            assertThat(c.keyType()).isEqualTo("EC_secp384r1");
            (jdk ? TlsProvider.detect(true) : boring).serve(c).release();
        }
    }

    @Test
    void readsFilesLargerThanItsBufferAndRefusesAbsurdOnes() throws Exception {
        X509Bundle b = leaf(CertificateBuilder.Algorithm.ecp256, "big", "big.test");
        // Text outside PEM blocks is ignored, so a long comment makes a large but valid file.
        String chain = "#".repeat(40_000) + "\n" + b.getCertificatePathPEM();
        Path chainFile = Files.writeString(dir.resolve("big.pem"), chain);
        Path keyFile = Files.writeString(dir.resolve("big.key"), b.getPrivateKeyPEM());
        LoadedCertificate c = reader(false).read("big", chainFile, keyFile);
        assertThat(c.names()).containsExactly("big.test");
        assertThat(c.chain()).hasSize(2);
        Files.writeString(chainFile, "#".repeat((int) CertificateReader.MAX_PEM_BYTES) + "\n" + b.getCertificatePEM());
        assertThatThrownBy(() -> reader(false).read("big", chainFile, keyFile))
                .hasMessageStartingWith(chainFile + ": certificate chain file is larger than 1048576 bytes");
    }

    @Test
    void buildsKeyMaterialForLongChainsAndLargeKeysThenSmallOnesAgain() throws Exception {
        // Larger than the per-thread PEM buffers (8 KiB of chain, 1 KiB of key) that credentials are built in.
        X509Bundle b = leaf(CertificateBuilder.Algorithm.rsa4096, "long", "long.test");
        StringBuilder chain = new StringBuilder(b.getCertificatePEM());
        for (int i = 0; i < 30; i++) {
            chain.append(intermediate.getCertificatePEM());
        }
        LoadedCertificate c = readAndServe(false, ascii(chain.toString()), ascii(b.getPrivateKeyPEM()));
        assertThat(c.chain()).hasSize(31);
        assertThat(c.keyType()).isEqualTo("RSA_4096");
        X509Bundle small = leaf(CertificateBuilder.Algorithm.ecp256, "small", "small.test");
        assertThat(readAndServe(false, ascii(small.getCertificatePathPEM()), ascii(small.getPrivateKeyPEM())).names())
                .containsExactly("small.test");
    }

    @Test
    void fingerprintsTheFileBytesWhateverTheBufferHeldBefore() throws Exception {
        X509Bundle a = leaf(CertificateBuilder.Algorithm.ecp256, "a", "a.test");
        X509Bundle b = leaf(CertificateBuilder.Algorithm.ecp256, "b", "b.test");
        Path aChain = Files.writeString(dir.resolve("fa.pem"), a.getCertificatePathPEM());
        Path aKey = Files.writeString(dir.resolve("fa.key"), a.getPrivateKeyPEM());
        Path bChain = Files.writeString(dir.resolve("fb.pem"), b.getCertificatePEM());
        Path bKey = Files.writeString(dir.resolve("fb.key"), b.getPrivateKeyPEM());
        CertificateReader r = reader(false);
        String first = r.read("a", aChain, aKey).fingerprint();
        r.read("b", bChain, bKey); // a shorter chain file through the same per-thread buffer
        assertThat(r.read("a", aChain, aKey).fingerprint()).isEqualTo(first);
        assertThat(r.read("a", ascii(a.getCertificatePathPEM()), "x", ascii(a.getPrivateKeyPEM()), "y").fingerprint())
                .isEqualTo(first);
        Collection<String> all = List.of(first, r.read("b", bChain, bKey).fingerprint());
        assertThat(all).doesNotHaveDuplicates();
    }
}
