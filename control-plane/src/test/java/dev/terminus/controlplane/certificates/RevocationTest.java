package dev.terminus.controlplane.certificates;

import static dev.terminus.controlplane.certificates.ServiceFixture.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.OcspAnswer;
import dev.terminus.controlplane.ca.Pem;
import dev.terminus.controlplane.ca.RevocationReason;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RevokeCertificate's rules, the CRL's number and refresh, OCSP answers and restarts, with a moved clock. */
class RevocationTest {

    private static final String REGION = "us-east-1";
    private static final org.bouncycastle.cert.ocsp.CertificateStatus OCSP_GOOD = org.bouncycastle.cert.ocsp.CertificateStatus.GOOD;

    @TempDir
    Path dir;

    private ServiceFixture fixture;

    @BeforeEach
    void open() {
        fixture = new ServiceFixture(dir);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void ok_revokeRecordsStatusTimeReasonAndEvent() {
        String arn = request("a.example.com");
        fixture.mutableClock().advance(Duration.ofMillis(1_500));

        RevokeCertificateResponse response = fixture.service.revokeCertificate(
                RevokeCertificateRequest.of(arn, "KEY_COMPROMISE"));

        CertificateDetail detail = fixture.describe(arn);
        assertThat(response.revokedAt()).isEqualTo(START.plusSeconds(1)); // whole seconds, as the CRL says
        assertThat(response.serial()).isEqualTo(detail.serial());
        assertThat(detail.status()).isEqualTo(CertificateStatus.REVOKED);
        assertThat(detail.revokedAt()).isEqualTo(response.revokedAt());
        assertThat(detail.revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
        assertThat(detail.renewalEligibility()).isEqualTo(RenewalEligibility.INELIGIBLE);
        assertThat(fixture.eventTypes()).containsExactly(EventType.CERTIFICATE_ISSUED, EventType.CERTIFICATE_REVOKED);
        assertThat(fixture.service.listCertificates(ListCertificatesRequest.all()).certificates())
                .singleElement().extracting(CertificateDetail::revocationReason).isEqualTo(RevocationReason.KEY_COMPROMISE);
    }

    @Test
    void fail_revokeRefusesImportedUnknownAndRevokedCertificates() {
        String imported = importOne();
        String arn = request("a.example.com");
        fixture.service.revokeCertificate(new RevokeCertificateRequest(arn, RevocationReason.SUPERSEDED));
        String before = fixture.snapshot();

        assertThatThrownBy(() -> fixture.service.revokeCertificate(new RevokeCertificateRequest(imported, RevocationReason.UNSPECIFIED)))
                .isInstanceOfSatisfying(CertificateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER))
                .hasMessageContaining("expected: a PRIVATE certificate (this one is IMPORTED");
        String unknown = arn.substring(0, arn.length() - 12) + "000000000000";
        assertThatThrownBy(() -> fixture.service.revokeCertificate(new RevokeCertificateRequest(unknown, RevocationReason.UNSPECIFIED)))
                .isInstanceOfSatisfying(CertificateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));
        assertThatThrownBy(() -> fixture.service.revokeCertificate(new RevokeCertificateRequest(arn, RevocationReason.KEY_COMPROMISE)))
                .isInstanceOfSatisfying(CertificateException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_ALREADY_PROCESSED);
                    assertThat(e.code().code()).isEqualTo("RequestAlreadyProcessed");
                })
                .hasMessageContaining("it was revoked at " + START + " (SUPERSEDED)");
        assertThat(fixture.snapshot()).isEqualTo(before);
    }

    @Test
    void fail_revokeRefusesRemoveFromCrlAndUnknownReasons() {
        String arn = request("a.example.com");
        assertThatThrownBy(() -> new RevokeCertificateRequest(arn, RevocationReason.REMOVE_FROM_CRL))
                .isInstanceOfSatisfying(CertificateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER))
                .hasMessageStartingWith("reason: \"REMOVE_FROM_CRL\" (expected: one of [UNSPECIFIED,");
        assertThatThrownBy(() -> RevokeCertificateRequest.of(arn, "STOLEN"))
                .isInstanceOfSatisfying(CertificateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER))
                .hasMessageStartingWith("reason: \"STOLEN\" (expected: one of [UNSPECIFIED, KEY_COMPROMISE, CA_COMPROMISE,");
        assertThatThrownBy(() -> new RevokeCertificateRequest(arn, null))
                .isInstanceOf(CertificateException.class).hasMessageStartingWith("reason: null");
    }

    @Test
    void ok_renewalSkipsRevokedCertificates() {
        String arn = request("a.example.com");
        CertificateDetail issued = fixture.describe(arn);
        fixture.service.revokeCertificate(new RevokeCertificateRequest(arn, RevocationReason.CESSATION_OF_OPERATION));

        fixture.mutableClock().set(issued.notAfter().minus(Duration.ofDays(30)));
        assertThat(fixture.service.renewalScheduler().runOnce()).isEqualTo(new RenewalReport(0, 0, 0, 0, 0));
        fixture.mutableClock().set(issued.notAfter().plusSeconds(1));
        assertThat(fixture.service.renewalScheduler().runOnce()).isEqualTo(new RenewalReport(0, 0, 0, 0, 0));

        CertificateDetail after = fixture.describe(arn);
        assertThat(after.status()).isEqualTo(CertificateStatus.REVOKED);
        assertThat(after.serial()).isEqualTo(issued.serial());
    }

    @Test
    void ok_crlListsRevokedSerialsWithReasonsAndItsNumberGrows() throws Exception {
        String kept = request("kept.example.com");
        X509CRLHolder first = crl();
        assertThat(crlNumber(first)).isEqualTo(1);
        assertThat(first.getRevokedCertificates()).isEmpty();
        assertThat(first.getNextUpdate().toInstant()).isEqualTo(first.getThisUpdate().toInstant().plus(Duration.ofHours(24)));
        assertThat(first.getExtension(Extension.authorityKeyIdentifier)).isNotNull();
        assertThat(first.getIssuer().toString()).isEqualTo(fixture.ca.chain(REGION).get(0).getSubjectX500Principal().getName());

        String revoked = request("revoked.example.com");
        fixture.service.revokeCertificate(new RevokeCertificateRequest(revoked, RevocationReason.KEY_COMPROMISE));
        X509CRLHolder second = crl();
        assertThat(crlNumber(second)).isEqualTo(2);
        X509CRLEntryHolder entry = second.getRevokedCertificate(serial(revoked));
        assertThat(entry).isNotNull();
        assertThat(entry.getRevocationDate().toInstant()).isEqualTo(START);
        assertThat(CRLReason.getInstance(entry.getExtensions().getExtensionParsedValue(Extension.reasonCode)).getValue().intValue())
                .isEqualTo(CRLReason.keyCompromise);
        assertThat(second.getRevokedCertificate(serial(kept))).isNull();
        assertThat(second.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .build(fixture.ca.chain(REGION).get(0)))).isTrue();
        // The other region's CRL is its own, and untouched.
        assertThat(new X509CRLHolder(fixture.service.crlPublisher().crl("eu-west-1")).getRevokedCertificates()).isEmpty();
    }

    @Test
    void ok_movedClockDrivesCrlRefreshAtHalfItsValidity() throws Exception {
        CrlPublisher publisher = fixture.service.crlPublisher();
        assertThat(publisher.runOnce()).isEqualTo(2); // first CRL of both regions
        assertThat(publisher.runOnce()).isZero();

        fixture.mutableClock().advance(Duration.ofHours(12).minusSeconds(1));
        assertThat(publisher.runOnce()).isZero();
        fixture.mutableClock().advance(Duration.ofSeconds(1));
        assertThat(publisher.runOnce()).isEqualTo(2);
        assertThat(crlNumber(crl())).isEqualTo(2);
        assertThat(crl().getThisUpdate().toInstant()).isEqualTo(START.plus(Duration.ofHours(12)));
        assertThat(publisher.failures()).isZero();
    }

    @Test
    void ok_deletedRevokedCertificateStaysOnTheCrlUntilItExpires() throws Exception {
        String arn = request("a.example.com");
        BigInteger serial = serial(arn);
        CertificateDetail detail = fixture.describe(arn);
        fixture.service.revokeCertificate(new RevokeCertificateRequest(arn, RevocationReason.AFFILIATION_CHANGED));
        fixture.service.deleteCertificate(new DeleteCertificateRequest(arn));

        fixture.mutableClock().advance(Duration.ofHours(12));
        fixture.service.crlPublisher().runOnce();
        assertThat(crl().getRevokedCertificate(serial)).isNotNull();

        fixture.mutableClock().set(detail.notAfter().plusSeconds(1));
        fixture.service.crlPublisher().runOnce();
        assertThat(crl().getRevokedCertificate(serial)).isNull();
    }

    @Test
    void fail_crlOfARegionWithoutSubordinateIsNotFound() {
        assertThatThrownBy(() -> fixture.service.crlPublisher().crl("ap-south-1"))
                .isInstanceOfSatisfying(CertificateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND))
                .hasMessage("region: \"ap-south-1\" (expected: a region with a subordinate CA, one of [eu-west-1, us-east-1])");
    }

    @Test
    void ok_ocspAnswersGoodRevokedUnauthorizedAndMalformed() throws Exception {
        String good = request("good.example.com");
        String revoked = request("revoked.example.com");
        fixture.service.revokeCertificate(new RevokeCertificateRequest(revoked, RevocationReason.PRIVILEGE_WITHDRAWN));
        OcspResponder ocsp = fixture.service.ocspResponder();

        assertThat(Ocsp.single(ocsp.respond(Ocsp.request(sub(), serial(good)))).getCertStatus()).isEqualTo(OCSP_GOOD);
        RevokedStatus status = (RevokedStatus) Ocsp.single(ocsp.respond(Ocsp.request(sub(), serial(revoked)))).getCertStatus();
        assertThat(status.getRevocationTime().toInstant()).isEqualTo(START);
        assertThat(status.getRevocationReason()).isEqualTo(CRLReason.privilegeWithdrawn);
        // The other region's subordinate did not issue this serial's certificate: a different issuer hash.
        assertThat(Ocsp.single(ocsp.respond(Ocsp.request(fixture.ca.chain("eu-west-1").get(0), serial(revoked))))
                .getCertStatus()).isEqualTo(OCSP_GOOD);

        TestPki.Issued stranger = TestPki.ca("Stranger", START.minusSeconds(60), START.plus(Duration.ofDays(30)));
        assertThat(Ocsp.status(ocsp.respond(Ocsp.request(stranger.certificate(), BigInteger.TEN)))).isEqualTo(6);
        assertThat(Ocsp.status(ocsp.respond("not an OCSP request".getBytes()))).isEqualTo(1);
        assertThat(Ocsp.status(ocsp.respond(new byte[0]))).isEqualTo(1);
        assertThat(Ocsp.status(ocsp.respond(null))).isEqualTo(1);
        assertThat(ocsp.count(OcspAnswer.Status.MALFORMED_REQUEST)).isEqualTo(3);
        assertThat(ocsp.count(OcspAnswer.Status.UNAUTHORIZED)).isEqualTo(1);
        assertThat(ocsp.count(OcspAnswer.Status.SUCCESSFUL)).isEqualTo(3);
    }

    @Test
    void ok_restartKeepsRevocationsAndTheCrlNumber() throws Exception {
        String arn = request("a.example.com");
        fixture.service.revokeCertificate(new RevokeCertificateRequest(arn, RevocationReason.CA_COMPROMISE));
        byte[] before = fixture.service.crlPublisher().crl(REGION);
        long number = crlNumber(crl());

        fixture.store.close();
        fixture.open(fixture.kek);

        assertThat(fixture.service.crlPublisher().crl(REGION)).isEqualTo(before);
        assertThat(fixture.describe(arn).revocationReason()).isEqualTo(RevocationReason.CA_COMPROMISE);
        RevokedStatus status = (RevokedStatus) Ocsp.single(fixture.service.ocspResponder().respond(Ocsp.request(sub(), serial(arn))))
                .getCertStatus();
        assertThat(status.getRevocationReason()).isEqualTo(CRLReason.cACompromise);
        String next = request("b.example.com");
        fixture.service.revokeCertificate(new RevokeCertificateRequest(next, RevocationReason.UNSPECIFIED));
        assertThat(crlNumber(crl())).isEqualTo(number + 1);
        assertThat(crl().getRevokedCertificates()).hasSize(2);
    }

    private String request(String domain) {
        return fixture.service.requestCertificate(RequestCertificateRequest.of(REGION, domain)
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1).withValidity(Period.ofDays(90))).certificateArn();
    }

    private String importOne() {
        KeyPair keys = TestPki.ec();
        TestPki.Issued ca = TestPki.ca("Ext", START.minusSeconds(60), START.plus(Duration.ofDays(90)));
        return fixture.service.importCertificate(ImportCertificateRequest.of(REGION,
                Pem.write(TestPki.leaf("CN=i.example.com", keys, List.of(), START.minusSeconds(60),
                        START.plus(Duration.ofDays(60)), ca).certificate()),
                Pem.write(ca.certificate()), Pem.writePrivateKey(keys.getPrivate()))).certificateArn();
    }

    private java.security.cert.X509Certificate sub() {
        return fixture.ca.chain(REGION).get(0);
    }

    private BigInteger serial(String arn) {
        return new BigInteger(fixture.store.certificates().find(arn).orElseThrow().serial(), 16);
    }

    private X509CRLHolder crl() throws Exception {
        return new X509CRLHolder(fixture.service.crlPublisher().crl(REGION));
    }

    private static long crlNumber(X509CRLHolder crl) {
        return ASN1Integer.getInstance(crl.getExtension(Extension.cRLNumber).getParsedValue()).getValue().longValueExact();
    }
}
