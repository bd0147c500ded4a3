package dev.terminus.controlplane.certificates;

import static dev.terminus.controlplane.certificates.ServiceFixture.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.Pem;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request, describe, list, export, delete, tags and the event log, through the service. */
class InventoryTest {

    private static final String MISSING = "arn:terminus:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";

    @TempDir
    Path dir;

    private ServiceFixture fixture;
    private CertificateService service;

    @BeforeEach
    void open() {
        fixture = new ServiceFixture(dir);
        service = fixture.service;
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void ok_requestIssuesFromTheRegionsSubordinate() {
        String arn = request("us-east-1", "www.example.com", KeyAlgorithm.EC_prime256v1, "api.example.com");

        CertificateDetail detail = fixture.describe(arn);
        assertThat(arn).startsWith("arn:terminus:acm:us-east-1:123456789012:certificate/");
        assertThat(detail.type()).isEqualTo(CertificateType.PRIVATE);
        assertThat(detail.status()).isEqualTo(CertificateStatus.ISSUED);
        assertThat(detail.domainName()).isEqualTo("www.example.com");
        assertThat(detail.subjectAlternativeNames()).containsExactly("www.example.com", "api.example.com");
        assertThat(detail.issuer()).isEqualTo("CN=Terminus Subordinate CA us-east-1");
        assertThat(detail.keyAlgorithm()).isEqualTo(KeyAlgorithm.EC_prime256v1);
        assertThat(detail.notAfter()).isEqualTo(START.plus(Duration.ofDays(395)));
        assertThat(detail.renewalEligibility()).isEqualTo(RenewalEligibility.ELIGIBLE);
        assertThat(detail.renewal()).isNull();
        assertThat(detail.inUseBy()).isEmpty();
        assertThat(detail.issuedAt()).isEqualTo(START);
        X509Certificate issued = Pem.readCertificates(fixture.store.certificates().find(arn).orElseThrow().certificatePem()).get(0);
        assertThat(issued.getSerialNumber().toString(16)).isEqualTo(detail.serial());
        assertThat(fixture.eventTypes()).containsExactly(EventType.CERTIFICATE_ISSUED);
    }

    @Test
    void fail_requestInRegionWithoutSubordinateOrWithBadNames() {
        assertRefused(() -> service.requestCertificate(RequestCertificateRequest.of("ap-south-1", "a.example.com")
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1)), ErrorCode.INVALID_PARAMETER, "region: \"ap-south-1\"",
                "[eu-west-1, us-east-1]");
        assertRefused(() -> RequestCertificateRequest.of("us-east-1", "not a name"), ErrorCode.INVALID_PARAMETER,
                "domainName: \"not a name\"");
    }

    @Test
    void fail_requestOutlivingTheSubordinate() {
        assertRefused(() -> service.requestCertificate(RequestCertificateRequest.of("us-east-1", "a.example.com")
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1).withValidity(Period.ofYears(20))),
                ErrorCode.INVALID_PARAMETER, "validity: P20Y");
    }

    @Test
    void ok_listFiltersByRegionStatusTypeAlgorithmAndExpiry() {
        String east = request("us-east-1", "a.example.com", KeyAlgorithm.EC_prime256v1);
        String west = request("eu-west-1", "b.example.com", KeyAlgorithm.EC_secp384r1);
        String shortLived = service.requestCertificate(RequestCertificateRequest.of("us-east-1", "c.example.com")
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1).withValidity(Period.ofDays(20))).certificateArn();

        assertThat(arns(ListCertificatesRequest.all())).containsExactlyInAnyOrder(east, west, shortLived);
        assertThat(arns(ListCertificatesRequest.all().inRegion("eu-west-1"))).containsExactly(west);
        assertThat(arns(ListCertificatesRequest.all().withKeyAlgorithms(KeyAlgorithm.EC_prime256v1)))
                .containsExactlyInAnyOrder(east, shortLived);
        assertThat(arns(ListCertificatesRequest.all().expiringWithin(30))).containsExactly(shortLived);
        assertThat(arns(ListCertificatesRequest.all().withTypes(CertificateType.IMPORTED))).isEmpty();
        assertThat(arns(ListCertificatesRequest.all().withStatuses(CertificateStatus.EXPIRED))).isEmpty();
        assertThat(arns(ListCertificatesRequest.all().withStatuses(CertificateStatus.ISSUED, CertificateStatus.EXPIRED)
                .withTypes(CertificateType.PRIVATE).inRegion("us-east-1"))).containsExactlyInAnyOrder(east, shortLived);
    }

    @Test
    void ok_listPagesWithNextToken() {
        for (int i = 0; i < 5; i++) {
            request("us-east-1", "p" + i + ".example.com", KeyAlgorithm.EC_prime256v1);
        }
        ListCertificatesResponse first = service.listCertificates(ListCertificatesRequest.all().page(2, null));
        ListCertificatesResponse second = service.listCertificates(ListCertificatesRequest.all().page(2, first.nextToken()));
        ListCertificatesResponse third = service.listCertificates(ListCertificatesRequest.all().page(2, second.nextToken()));

        assertThat(first.certificates()).hasSize(2);
        assertThat(second.certificates()).hasSize(2);
        assertThat(third.certificates()).hasSize(1);
        assertThat(third.nextToken()).isNull();
        assertThat(List.of(first, second, third).stream().flatMap(r -> r.certificates().stream()).map(CertificateDetail::certificateArn)
                .distinct()).hasSize(5);
    }

    @Test
    void fail_listWithBadParameters() {
        assertRefused(() -> ListCertificatesRequest.all().page(0, null), ErrorCode.INVALID_PARAMETER, "maxItems: 0 (expected: 1 to 1000)");
        assertRefused(() -> ListCertificatesRequest.all().page(10, "garbage"), ErrorCode.INVALID_ARN, "nextToken: \"garbage\"");
        assertRefused(() -> ListCertificatesRequest.all().expiringWithin(-1), ErrorCode.INVALID_PARAMETER, "expiringWithinDays: -1");
    }

    @Test
    void ok_describeShowsUsersAndDeleteIsRefusedWhileInUse() {
        String arn = request("us-east-1", "used.example.com", KeyAlgorithm.EC_prime256v1);
        fixture.users.put(arn, List.of("load-balancer/lb-1", "distribution/d-2"));

        assertThat(fixture.describe(arn).inUseBy()).containsExactly("load-balancer/lb-1", "distribution/d-2");
        assertRefused(() -> service.deleteCertificate(new DeleteCertificateRequest(arn)), ErrorCode.RESOURCE_IN_USE,
                "in use by [load-balancer/lb-1, distribution/d-2]");

        fixture.users.remove(arn);
        assertThat(service.deleteCertificate(new DeleteCertificateRequest(arn)).certificateArn()).isEqualTo(arn);
        assertRefused(() -> fixture.describe(arn), ErrorCode.RESOURCE_NOT_FOUND, arn);
        assertThatThrownBy(() -> fixture.store.certificates().privateKey(arn)).hasMessageContaining(arn);
        assertThat(fixture.eventTypes()).containsExactly(EventType.CERTIFICATE_ISSUED, EventType.CERTIFICATE_DELETED);
    }

    @Test
    void fail_operationsOnMissingOrMalformedArns() {
        assertRefused(() -> fixture.describe(MISSING), ErrorCode.RESOURCE_NOT_FOUND, "certificateArn: \"" + MISSING + "\"");
        assertRefused(() -> service.deleteCertificate(new DeleteCertificateRequest(MISSING)), ErrorCode.RESOURCE_NOT_FOUND, MISSING);
        assertRefused(() -> service.listTags(new ListTagsRequest(MISSING)), ErrorCode.RESOURCE_NOT_FOUND, MISSING);
        assertRefused(() -> service.addTags(new AddTagsRequest(MISSING, Map.of("a", "b"))), ErrorCode.RESOURCE_NOT_FOUND, MISSING);
        assertRefused(() -> new DescribeCertificateRequest("arn:terminus:acm:us-east-1:12:certificate/x"), ErrorCode.INVALID_ARN,
                "(expected: arn:terminus:acm:<region>:<12-digit account>:certificate/<lower-case uuid>)");
        assertRefused(() -> new DeleteCertificateRequest(null), ErrorCode.INVALID_ARN, "certificateArn: null");
    }

    @Test
    void ok_tagsAddOverwriteRemoveList() {
        String arn = service.requestCertificate(RequestCertificateRequest.of("us-east-1", "t.example.com")
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1).withTags(Map.of("env", "dev"))).certificateArn();

        assertThat(service.addTags(new AddTagsRequest(arn, Map.of("env", "prod", "team", "edge"))).tags())
                .containsExactly(Map.entry("env", "prod"), Map.entry("team", "edge"));
        assertThat(service.removeTags(new RemoveTagsRequest(arn, Set.of("env", "absent"))).tags())
                .containsExactly(Map.entry("team", "edge"));
        assertThat(service.listTags(new ListTagsRequest(arn)).tags()).containsExactly(Map.entry("team", "edge"));
    }

    @Test
    void fail_badTags() {
        String arn = request("us-east-1", "t.example.com", KeyAlgorithm.EC_prime256v1);
        Map<String, String> fifty = new java.util.HashMap<>();
        for (int i = 0; i < 50; i++) {
            fifty.put("k" + i, "v");
        }
        service.addTags(new AddTagsRequest(arn, fifty));

        assertRefused(() -> service.addTags(new AddTagsRequest(arn, Map.of("one-more", "v"))), ErrorCode.INVALID_PARAMETER,
                "tags: \"51 tags after adding\" (expected: at most 50 per certificate)");
        assertRefused(() -> new AddTagsRequest(arn, Map.of("bad<key>", "v")), ErrorCode.INVALID_PARAMETER, "tags key: \"bad<key>\"");
        assertRefused(() -> new AddTagsRequest(arn, Map.of("k", "x".repeat(257))), ErrorCode.INVALID_PARAMETER, "tags[k]:");
        assertRefused(() -> new AddTagsRequest(arn, Map.of()), ErrorCode.INVALID_PARAMETER, "tags: {} (expected: at least one tag)");
        assertRefused(() -> new RemoveTagsRequest(arn, Set.of()), ErrorCode.INVALID_PARAMETER, "keys: [] (expected: at least one tag key)");
    }

    @Test
    void ok_exportPrivateCertificateWithEncryptedKey() {
        String arn = request("us-east-1", "x.example.com", KeyAlgorithm.EC_prime256v1);

        ExportCertificateResponse export = service.exportCertificate(new ExportCertificateRequest(arn, "correct horse".toCharArray()));

        assertThat(export.privateKey()).startsWith("-----BEGIN ENCRYPTED PRIVATE" + " KEY-----");
        assertThat(Pem.readEncryptedPrivateKey(export.privateKey(), "correct horse".toCharArray()).getEncoded())
                .isEqualTo(fixture.store.certificates().privateKey(arn).getEncoded());
        assertThat(Pem.readCertificates(export.certificateChain())).hasSize(2);
        assertThat(export.toString()).doesNotContain("BEGIN");
    }

    @Test
    void fail_exportImportedOrWithShortPassphrase() {
        String privateArn = request("us-east-1", "x.example.com", KeyAlgorithm.EC_prime256v1);
        KeyPair keys = TestPki.ec();
        TestPki.Issued ca = TestPki.ca("Ext", START.minusSeconds(60), START.plus(Duration.ofDays(30)));
        TestPki.Issued leaf = TestPki.leaf("CN=imp.example.com", keys, List.of(), START.minusSeconds(60),
                START.plus(Duration.ofDays(10)), ca);
        String imported = service.importCertificate(ImportCertificateRequest.of("us-east-1", Pem.write(leaf.certificate()),
                Pem.write(ca.certificate()), Pem.writePrivateKey(keys.getPrivate()))).certificateArn();

        assertRefused(() -> service.exportCertificate(new ExportCertificateRequest(imported, "passphrase".toCharArray())),
                ErrorCode.INVALID_PARAMETER, "a PRIVATE certificate (this one is IMPORTED");
        assertRefused(() -> service.exportCertificate(new ExportCertificateRequest(privateArn, "abc".toCharArray())),
                ErrorCode.INVALID_PARAMETER, "passphrase: \"3 characters\" (expected: 4 to 128 characters)");
        assertThat(new ExportCertificateRequest(privateArn, "secret".toCharArray()).toString()).doesNotContain("secret");
    }

    @Test
    void ok_eventsReadWithCursor() {
        String a = request("us-east-1", "a.example.com", KeyAlgorithm.EC_prime256v1);
        String b = request("us-east-1", "b.example.com", KeyAlgorithm.EC_prime256v1);
        service.deleteCertificate(new DeleteCertificateRequest(a));

        ReadEventsResponse first = service.readEvents(new ReadEventsRequest(0, 2));
        ReadEventsResponse rest = service.readEvents(new ReadEventsRequest(first.nextAfterId(), 10));
        ReadEventsResponse none = service.readEvents(new ReadEventsRequest(rest.nextAfterId(), 10));

        assertThat(first.events()).extracting(CertificateEvent::certificateArn).containsExactly(a, b);
        assertThat(rest.events()).extracting(CertificateEvent::type).containsExactly(EventType.CERTIFICATE_DELETED);
        assertThat(none.events()).isEmpty();
        assertThat(none.nextAfterId()).isEqualTo(rest.nextAfterId());
        assertThat(first.events().get(0).at()).isEqualTo(START);
        assertRefused(() -> new ReadEventsRequest(-1, 10), ErrorCode.INVALID_PARAMETER, "afterId: -1");
        assertRefused(() -> new ReadEventsRequest(0, 1001), ErrorCode.INVALID_PARAMETER, "limit: 1001 (expected: 1 to 1000)");
    }

    @Test
    void ok_errorCodesHaveStableWireNames() {
        assertThat(ErrorCode.RESOURCE_IN_USE.code()).isEqualTo("ResourceInUse");
        assertThat(ErrorCode.CA_CERTIFICATE_AS_LEAF.code()).isEqualTo("CaCertificateAsLeaf");
        assertThat(ErrorCode.INVALID_ARN.code()).isEqualTo("InvalidArn");
        assertThat(ErrorCode.MALFORMED_CERTIFICATE.code()).isEqualTo("MalformedCertificate");
    }

    private String request(String region, String domain, KeyAlgorithm algorithm, String... names) {
        return service.requestCertificate(RequestCertificateRequest.of(region, domain).withKeyAlgorithm(algorithm)
                .withSubjectAlternativeNames(names)).certificateArn();
    }

    private List<String> arns(ListCertificatesRequest request) {
        return service.listCertificates(request).certificates().stream().map(CertificateDetail::certificateArn).toList();
    }

    private void assertRefused(ThrowingCallable call, ErrorCode code, String... messageParts) {
        String before = fixture.snapshot();
        assertThatThrownBy(call).isInstanceOfSatisfying(CertificateException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messageParts);
        });
        assertThat(fixture.snapshot()).isEqualTo(before);
    }
}
