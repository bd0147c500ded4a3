package dev.terminus.controlplane.certificates;

import static dev.terminus.controlplane.certificates.ServiceFixture.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.Pem;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.io.TempDir;

/** Imports and re-imports, and every import refusal with its code; each refusal leaves the store unchanged. */
class ImportCertificateTest {

    private static final Instant FROM = START.minus(Duration.ofDays(10));
    private static final Instant TO = START.plus(Duration.ofDays(90));
    private static final String REGION = "us-east-1";

    @TempDir
    Path dir;

    private ServiceFixture fixture;
    private TestPki.Issued root;
    private TestPki.Issued intermediate;

    @BeforeEach
    void open() {
        fixture = new ServiceFixture(dir);
        root = TestPki.ca("External Root", START.minus(Duration.ofDays(100)), START.plus(Duration.ofDays(3650)));
        intermediate = TestPki.intermediate("External Intermediate", root, START.minus(Duration.ofDays(100)),
                START.plus(Duration.ofDays(1000)));
        // Something to stay unchanged: one PRIVATE and one IMPORTED certificate, with tags.
        fixture.service.requestCertificate(RequestCertificateRequest.of(REGION, "private.example.com")
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1).withTags(Map.of("team", "edge")));
        importLeaf(leaf(TestPki.ec(), "CN=kept.example.com", List.of("kept.example.com")));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void ok_importStoresDetailsKeyAndEvent() {
        KeyPair keys = TestPki.ec();
        TestPki.Issued leaf = leaf(keys, "CN=www.example.com", List.of("www.example.com", "api.example.com"));

        String arn = fixture.service.importCertificate(ImportCertificateRequest.of(REGION, pem(leaf), chainPem(),
                Pem.writePrivateKey(keys.getPrivate())).withTags(Map.of("env", "prod"))).certificateArn();

        assertThat(arn).matches("arn:terminus:acm:us-east-1:123456789012:certificate/[0-9a-f-]{36}");
        CertificateDetail detail = fixture.describe(arn);
        assertThat(detail.type()).isEqualTo(CertificateType.IMPORTED);
        assertThat(detail.status()).isEqualTo(CertificateStatus.ISSUED);
        assertThat(detail.domainName()).isEqualTo("www.example.com");
        assertThat(detail.subjectAlternativeNames()).containsExactly("www.example.com", "api.example.com");
        assertThat(detail.serial()).isEqualTo(leaf.certificate().getSerialNumber().toString(16));
        assertThat(detail.issuer()).isEqualTo("CN=External Intermediate");
        assertThat(detail.notAfter()).isEqualTo(TO);
        assertThat(detail.keyAlgorithm()).isEqualTo(KeyAlgorithm.EC_prime256v1);
        assertThat(detail.renewalEligibility()).isEqualTo(RenewalEligibility.INELIGIBLE);
        assertThat(detail.inUseBy()).isEmpty();
        assertThat(detail.importedAt()).isEqualTo(START);
        assertThat(fixture.store.certificates().privateKey(arn).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(fixture.service.listTags(new ListTagsRequest(arn)).tags()).containsExactly(Map.entry("env", "prod"));
        assertThat(fixture.eventTypes()).endsWith(EventType.CERTIFICATE_IMPORTED);
    }

    @Test
    void ok_importRsaWithoutChainUsesSanWhenNoCn() {
        KeyPair keys = TestPki.rsa(2048);
        TestPki.Issued leaf = leaf(keys, "O=Example", List.of("only-san.example.com"));

        String arn = fixture.service.importCertificate(ImportCertificateRequest.of(REGION, pem(leaf), null,
                Pem.writePrivateKey(keys.getPrivate()))).certificateArn();

        assertThat(fixture.describe(arn).domainName()).isEqualTo("only-san.example.com");
        assertThat(fixture.describe(arn).keyAlgorithm()).isEqualTo(KeyAlgorithm.RSA_2048);
    }

    @Test
    void ok_reimportKeepsArnReplacesMaterialAndTags() {
        KeyPair keys = TestPki.ec();
        String arn = importLeaf(leaf(keys, "CN=re.example.com", List.of("re.example.com")));
        fixture.service.addTags(new AddTagsRequest(arn, Map.of("owner", "web")));
        KeyPair next = TestPki.ec();
        TestPki.Issued renewed = TestPki.leaf("CN=re.example.com", next, List.of("re.example.com"), FROM,
                START.plus(Duration.ofDays(400)), intermediate);

        String again = fixture.service.importCertificate(ImportCertificateRequest.reimport(arn, pem(renewed), chainPem(),
                Pem.writePrivateKey(next.getPrivate()))).certificateArn();

        assertThat(again).isEqualTo(arn);
        assertThat(fixture.describe(arn).serial()).isEqualTo(renewed.certificate().getSerialNumber().toString(16));
        assertThat(fixture.describe(arn).notAfter()).isEqualTo(START.plus(Duration.ofDays(400)));
        assertThat(fixture.store.certificates().privateKey(arn).getEncoded()).isEqualTo(next.getPrivate().getEncoded());
        assertThat(fixture.service.listTags(new ListTagsRequest(arn)).tags()).containsEntry("owner", "web");
    }

    @Test
    void fail_reimportWithOtherKeyType() {
        String arn = importLeaf(leaf(TestPki.ec(), "CN=re.example.com", List.of("re.example.com")));
        KeyPair rsa = TestPki.rsa(2048);
        TestPki.Issued leaf = leaf(rsa, "CN=re.example.com", List.of("re.example.com"));

        assertRefused(() -> fixture.service.importCertificate(ImportCertificateRequest.reimport(arn, pem(leaf), chainPem(),
                Pem.writePrivateKey(rsa.getPrivate()))), ErrorCode.INVALID_PARAMETER, "key algorithm RSA_2048", "EC_prime256v1");
    }

    @Test
    void fail_reimportOverPrivateCertificate() {
        String arn = fixture.service.listCertificates(ListCertificatesRequest.all().withTypes(CertificateType.PRIVATE))
                .certificates().get(0).certificateArn();
        KeyPair keys = TestPki.ec();

        assertRefused(() -> fixture.service.importCertificate(ImportCertificateRequest.reimport(arn,
                pem(leaf(keys, "CN=x.example.com", List.of())), chainPem(), Pem.writePrivateKey(keys.getPrivate()))),
                ErrorCode.INVALID_PARAMETER, "an IMPORTED certificate (this one is PRIVATE");
    }

    @Test
    void fail_reimportUnknownArn() {
        KeyPair keys = TestPki.ec();
        String arn = "arn:terminus:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";

        assertRefused(() -> fixture.service.importCertificate(ImportCertificateRequest.reimport(arn,
                pem(leaf(keys, "CN=x.example.com", List.of())), chainPem(), Pem.writePrivateKey(keys.getPrivate()))),
                ErrorCode.RESOURCE_NOT_FOUND, arn);
    }

    @Test
    void fail_reimportWithTagsOrIntoAnotherRegion() {
        String arn = "arn:terminus:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";

        assertRefused(() -> new ImportCertificateRequest(null, arn, "x", null, "y", Map.of("a", "b")),
                ErrorCode.INVALID_PARAMETER, "tags: \"1 tags\" (expected: no tags on a re-import");
        assertRefused(() -> new ImportCertificateRequest("eu-west-1", arn, "x", null, "y", Map.of()),
                ErrorCode.INVALID_PARAMETER, "region: \"eu-west-1\" (expected: the region of certificateArn, us-east-1");
    }

    @Test
    void fail_invalidArn() {
        assertRefused(() -> ImportCertificateRequest.reimport("arn:aws:acm:us-east-1:1:certificate/x", "x", null, "y"),
                ErrorCode.INVALID_ARN, "certificateArn: \"arn:aws:acm:us-east-1:1:certificate/x\"");
    }

    @Test
    void fail_malformedCertificateKeyAndChain() {
        KeyPair keys = TestPki.ec();
        TestPki.Issued leaf = leaf(keys, "CN=m.example.com", List.of());
        String key = Pem.writePrivateKey(keys.getPrivate());
        String garbage = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";

        assertRefused(() -> importPem(garbage, null, key), ErrorCode.MALFORMED_CERTIFICATE, "certificate: pem:");
        assertRefused(() -> importPem("hello", null, key), ErrorCode.MALFORMED_CERTIFICATE, "certificate: pem:");
        assertRefused(() -> importPem(pem(leaf) + pem(leaf), null, key), ErrorCode.MALFORMED_CERTIFICATE,
                "certificate: \"2 CERTIFICATE blocks\" (expected: exactly one");
        assertRefused(() -> importPem(pem(leaf), garbage, key), ErrorCode.MALFORMED_CERTIFICATE, "certificateChain: pem:");
        assertRefused(() -> importPem(pem(leaf), null, pem(leaf)), ErrorCode.MALFORMED_CERTIFICATE,
                "privateKey: pem: a CERTIFICATE block");
    }

    @Test
    void fail_keyMismatch() {
        TestPki.Issued leaf = leaf(TestPki.ec(), "CN=k.example.com", List.of());

        assertRefused(() -> importPem(pem(leaf), chainPem(), Pem.writePrivateKey(TestPki.ec().getPrivate())),
                ErrorCode.KEY_MISMATCH, "privateKey: \"a EC key\"");
        assertRefused(() -> importPem(pem(leaf), chainPem(), Pem.writePrivateKey(TestPki.rsa(2048).getPrivate())),
                ErrorCode.KEY_MISMATCH, "privateKey: \"a RSA key\"");
    }

    @Test
    void fail_chainOutOfOrderOrNotSigningTheLeaf() {
        KeyPair keys = TestPki.ec();
        String leaf = pem(leaf(keys, "CN=c.example.com", List.of()));
        String key = Pem.writePrivateKey(keys.getPrivate());
        TestPki.Issued stranger = TestPki.ca("Stranger CA", FROM, TO);

        assertRefused(() -> importPem(leaf, Pem.write(List.of(root.certificate(), intermediate.certificate())), key),
                ErrorCode.CHAIN_ORDER, "certificateChain[0]: \"CN=External Root\" (expected: the issuer of the leaf, which is at certificateChain[1]");
        assertRefused(() -> importPem(leaf, Pem.write(stranger.certificate()), key),
                ErrorCode.CHAIN_ORDER, "this chain does not sign the leaf");
    }

    @Test
    void fail_expiredAndNotYetValid() {
        KeyPair keys = TestPki.ec();
        String key = Pem.writePrivateKey(keys.getPrivate());
        TestPki.Issued expired = TestPki.leaf("CN=old.example.com", keys, List.of(), FROM, START.minusSeconds(1), intermediate);
        TestPki.Issued future = TestPki.leaf("CN=new.example.com", keys, List.of(), START.plusSeconds(60), TO, intermediate);

        assertRefused(() -> importPem(pem(expired), chainPem(), key), ErrorCode.EXPIRED, "certificate: \"notAfter");
        assertRefused(() -> importPem(pem(future), chainPem(), key), ErrorCode.NOT_YET_VALID, "certificate: \"notBefore");
    }

    @Test
    void fail_weakKeyUnsupportedCurveAndKeyType() {
        KeyPair rsa1024 = TestPki.rsa(1024);
        KeyPair p521 = TestPki.ec("secp521r1");
        KeyPair ed = TestPki.ed25519();

        assertRefused(() -> importPem(pem(leaf(rsa1024, "CN=w.example.com", List.of())), chainPem(),
                Pem.writePrivateKey(rsa1024.getPrivate())), ErrorCode.WEAK_KEY, "certificate: \"RSA 1024 bits\" (expected: RSA of at least 2048 bits)");
        assertRefused(() -> importPem(pem(leaf(p521, "CN=w.example.com", List.of())), chainPem(),
                Pem.writePrivateKey(p521.getPrivate())), ErrorCode.UNSUPPORTED_CURVE, "EC_prime256v1 or EC_secp384r1");
        assertRefused(() -> importPem(pem(leaf(ed, "CN=w.example.com", List.of())), chainPem(),
                Pem.writePrivateKey(ed.getPrivate())), ErrorCode.UNSUPPORTED_KEY_ALGORITHM, "an RSA or EC key");
    }

    @Test
    void fail_noDomainName() {
        KeyPair keys = TestPki.ec();

        assertRefused(() -> importPem(pem(leaf(keys, "O=Nameless", List.of())), chainPem(), Pem.writePrivateKey(keys.getPrivate())),
                ErrorCode.NO_DOMAIN_NAME, "certificate: \"O=Nameless\" (expected: a DNS subject alternative name or a subject common name)");
    }

    @Test
    void fail_encryptedKey() {
        KeyPair keys = TestPki.ec();
        String leaf = pem(leaf(keys, "CN=e.example.com", List.of()));

        assertRefused(() -> importPem(leaf, chainPem(), TestPki.encryptedPkcs8(keys.getPrivate())),
                ErrorCode.ENCRYPTED_KEY, "privateKey: \"a passphrase-protected key\"");
        assertRefused(() -> importPem(leaf, chainPem(), TestPki.encryptedTraditional(keys.getPrivate())),
                ErrorCode.ENCRYPTED_KEY, "privateKey: \"a passphrase-protected key\"");
    }

    @Test
    void fail_inputTooLarge() {
        KeyPair keys = TestPki.ec();
        String leaf = pem(leaf(keys, "CN=l.example.com", List.of()));
        String key = Pem.writePrivateKey(keys.getPrivate());

        assertRefused(() -> importPem(leaf + "x".repeat(32 * 1024), null, key), ErrorCode.INPUT_TOO_LARGE,
                "(expected: at most 32768 bytes)");
        assertRefused(() -> importPem(leaf, "x".repeat(2 * 1024 * 1024 + 1), key), ErrorCode.INPUT_TOO_LARGE,
                "certificateChain: \"2097153 bytes\"");
        assertRefused(() -> importPem(leaf, null, key + " ".repeat(5 * 1024)), ErrorCode.INPUT_TOO_LARGE, "privateKey:");
    }

    @Test
    void fail_caCertificateAsLeaf() {
        assertRefused(() -> importPem(pem(intermediate), Pem.write(root.certificate()),
                Pem.writePrivateKey(intermediate.keys().getPrivate())), ErrorCode.CA_CERTIFICATE_AS_LEAF,
                "certificate: \"CN=External Intermediate\" (expected: an end-entity certificate");
    }

    @Test
    void fail_missingFields() {
        assertRefused(() -> importPem(null, null, "k"), ErrorCode.INVALID_PARAMETER, "certificate: null");
        assertRefused(() -> importPem(pem(intermediate), null, " "), ErrorCode.INVALID_PARAMETER, "privateKey: \" \"");
        assertRefused(() -> ImportCertificateRequest.of("US_EAST", "c", null, "k"), ErrorCode.INVALID_PARAMETER, "region: \"US_EAST\"");
    }

    private void assertRefused(ThrowingCallable call, ErrorCode code, String... messageParts) {
        String before = fixture.snapshot();
        assertThatThrownBy(call).isInstanceOfSatisfying(CertificateException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messageParts);
        });
        assertThat(fixture.snapshot()).isEqualTo(before);
    }

    private TestPki.Issued leaf(KeyPair keys, String subject, List<String> names) {
        return TestPki.leaf(subject, keys, names, FROM, TO, intermediate);
    }

    private String importLeaf(TestPki.Issued leaf) {
        return importPem(pem(leaf), chainPem(), Pem.writePrivateKey(leaf.keys().getPrivate())).certificateArn();
    }

    private ImportCertificateResponse importPem(String certificate, String chain, String key) {
        return fixture.service.importCertificate(ImportCertificateRequest.of(REGION, certificate, chain, key));
    }

    private String chainPem() {
        return Pem.write(List.of(intermediate.certificate(), root.certificate()));
    }

    private static String pem(TestPki.Issued issued) {
        return Pem.write(issued.certificate());
    }
}
