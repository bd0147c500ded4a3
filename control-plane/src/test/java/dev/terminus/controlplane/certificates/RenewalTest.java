package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.testing.MutableClock;

import static dev.terminus.controlplane.certificates.ServiceFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.Pem;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Managed renewal, retries with backoff, expiry and expiry notices, driven by a moved clock and runOnce(). */
class RenewalTest {

    @TempDir
    Path dir;

    private ServiceFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void ok_privateRenewsInsideTheWindowKeepingItsArn() {
        fixture = new ServiceFixture(dir);
        String arn = request(Period.ofDays(395));
        CertificateDetail before = fixture.describe(arn);
        byte[] oldKey = fixture.store.certificates().privateKey(arn).getEncoded();

        moveTo(before.notAfter().minus(Duration.ofDays(61)));
        assertThat(runOnce()).isEqualTo(new RenewalReport(0, 0, 0, 0, 0));

        moveTo(before.notAfter().minus(Duration.ofDays(60)));
        assertThat(runOnce()).isEqualTo(new RenewalReport(1, 0, 0, 0, 0));

        CertificateDetail after = fixture.describe(arn);
        assertThat(after.certificateArn()).isEqualTo(arn);
        assertThat(after.serial()).isNotEqualTo(before.serial());
        assertThat(after.status()).isEqualTo(CertificateStatus.ISSUED);
        assertThat(after.notAfter()).isEqualTo(fixture.clock.instant().plus(Duration.ofDays(395)));
        assertThat(after.renewal().status()).isEqualTo(RenewalStatus.SUCCESS);
        assertThat(after.renewal().updatedAt()).isEqualTo(fixture.clock.instant());
        assertThat(after.domainName()).isEqualTo(before.domainName());
        assertThat(after.subjectAlternativeNames()).isEqualTo(before.subjectAlternativeNames());
        assertThat(fixture.store.certificates().privateKey(arn).getEncoded()).isNotEqualTo(oldKey);
        assertThat(fixture.eventTypes()).containsExactly(EventType.CERTIFICATE_ISSUED, EventType.CERTIFICATE_RENEWED);
        assertThat(runOnce()).isEqualTo(new RenewalReport(0, 0, 0, 0, 0));
    }

    @Test
    void ok_renewalWindowIsConfigurable() {
        fixture = new ServiceFixture(dir, new MutableClock(START),
                CertificatesConfig.of(ServiceFixture.ACCOUNT).withRenewalWindow(Duration.ofDays(30)));
        String arn = request(Period.ofDays(100));
        Instant notAfter = fixture.describe(arn).notAfter();

        moveTo(notAfter.minus(Duration.ofDays(45)));
        assertThat(runOnce().renewed()).isZero();
        moveTo(notAfter.minus(Duration.ofDays(30)));
        assertThat(runOnce().renewed()).isOne();
    }

    @Test
    void fail_renewalFailuresBackOffRaiseEventsThenExpire() {
        fixture = new ServiceFixture(dir);
        // The subordinate lives 5 years: a 4-year certificate renewed 60 days before expiry would outlive it.
        String arn = request(Period.ofYears(4));
        Instant notAfter = fixture.describe(arn).notAfter();
        Instant windowStart = notAfter.minus(Duration.ofDays(60));

        moveTo(windowStart);
        assertThat(runOnce().failed()).isOne();
        CertificateDetail.RenewalSummary first = fixture.describe(arn).renewal();
        assertThat(first.status()).isEqualTo(RenewalStatus.FAILED);
        assertThat(first.failedAttempts()).isOne();
        assertThat(first.nextAttemptAt()).isEqualTo(windowStart.plus(Duration.ofHours(1)));
        assertThat(first.reason()).contains("validity: P4Y", "expected: ends on or before the issuer");

        moveTo(windowStart.plus(Duration.ofMinutes(59)));
        assertThat(runOnce().failed()).as("not due before the backoff").isZero();
        moveTo(windowStart.plus(Duration.ofHours(1)));
        assertThat(runOnce().failed()).isOne();
        assertThat(fixture.describe(arn).renewal().nextAttemptAt()).isEqualTo(fixture.clock.instant().plus(Duration.ofHours(2)));
        moveTo(fixture.clock.instant().plus(Duration.ofHours(2)));
        assertThat(runOnce().failed()).isOne();
        assertThat(fixture.describe(arn).renewal().failedAttempts()).isEqualTo(3);
        assertThat(fixture.describe(arn).renewal().nextAttemptAt()).isEqualTo(fixture.clock.instant().plus(Duration.ofHours(4)));

        moveTo(notAfter);
        assertThat(runOnce()).isEqualTo(new RenewalReport(0, 0, 0, 1, 0));
        assertThat(fixture.describe(arn).status()).isEqualTo(CertificateStatus.EXPIRED);
        assertThat(runOnce()).isEqualTo(new RenewalReport(0, 0, 0, 0, 0));
        assertThat(fixture.eventTypes()).containsExactly(EventType.CERTIFICATE_ISSUED, EventType.RENEWAL_FAILED,
                EventType.RENEWAL_FAILED, EventType.RENEWAL_FAILED, EventType.CERTIFICATE_EXPIRED);
    }

    @Test
    void ok_backoffDoublesUpToTheCap() {
        CertificatesConfig config = CertificatesConfig.of(ServiceFixture.ACCOUNT);

        assertThat(List.of(1, 2, 3, 5, 6, 100).stream().map(config::backoff).toList()).containsExactly(Duration.ofHours(1),
                Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(16), Duration.ofHours(24), Duration.ofHours(24));
    }

    @Test
    void ok_importedRaisesEachExpiryNoticeOnceThenExpires() {
        fixture = new ServiceFixture(dir);
        Instant notAfter = START.plus(Duration.ofDays(50));
        String arn = importExpiringAt(notAfter);

        moveTo(notAfter.minus(Duration.ofDays(46)));
        assertThat(runOnce().notified()).isZero();
        for (int days : List.of(45, 30, 15, 7, 3, 1)) {
            moveTo(notAfter.minus(Duration.ofDays(days)));
            assertThat(runOnce().notified()).as("%d days", days).isOne();
            assertThat(runOnce().notified()).as("%d days, again", days).isZero();
        }
        moveTo(notAfter.plusSeconds(1));
        assertThat(runOnce().expired()).isOne();

        List<CertificateEvent> events = fixture.service.readEvents(new ReadEventsRequest(0, 100)).events();
        assertThat(events).extracting(CertificateEvent::type).containsExactly(EventType.CERTIFICATE_IMPORTED,
                EventType.APPROACHING_EXPIRATION, EventType.APPROACHING_EXPIRATION, EventType.APPROACHING_EXPIRATION,
                EventType.APPROACHING_EXPIRATION, EventType.APPROACHING_EXPIRATION, EventType.APPROACHING_EXPIRATION,
                EventType.CERTIFICATE_EXPIRED);
        assertThat(events.subList(1, 7)).extracting(e -> e.detail().substring(0, e.detail().indexOf(';'))).containsExactly(
                "daysBeforeExpiry=45", "daysBeforeExpiry=30", "daysBeforeExpiry=15", "daysBeforeExpiry=7",
                "daysBeforeExpiry=3", "daysBeforeExpiry=1");
        assertThat(events).allMatch(e -> arn.equals(e.certificateArn()));
        assertThat(fixture.describe(arn).status()).isEqualTo(CertificateStatus.EXPIRED);
        assertThat(fixture.describe(arn).renewal()).isNull();
    }

    @Test
    void ok_missedThresholdsCollapseIntoTheTightestAndReimportResetsThem() {
        fixture = new ServiceFixture(dir);
        Instant notAfter = START.plus(Duration.ofDays(50));
        String arn = importExpiringAt(notAfter);

        moveTo(notAfter.minus(Duration.ofDays(10)));
        assertThat(runOnce().notified()).isOne();
        assertThat(lastEvent().detail()).startsWith("daysBeforeExpiry=15;");

        KeyPair keys = TestPki.ec();
        TestPki.Issued ca = TestPki.ca("Ext", START.minusSeconds(60), START.plus(Duration.ofDays(500)));
        Instant later = START.plus(Duration.ofDays(200));
        fixture.service.importCertificate(ImportCertificateRequest.reimport(arn, Pem.write(TestPki.leaf("CN=imp.example.com",
                keys, List.of(), START.minusSeconds(60), later, ca).certificate()), Pem.write(ca.certificate()),
                Pem.writePrivateKey(keys.getPrivate())));
        assertThat(runOnce().notified()).isZero();
        moveTo(later.minus(Duration.ofDays(45)));
        assertThat(runOnce().notified()).isOne();
        assertThat(lastEvent().detail()).startsWith("daysBeforeExpiry=45;");
    }

    private String request(Period validity) {
        return fixture.service.requestCertificate(RequestCertificateRequest.of("us-east-1", "renew.example.com")
                .withSubjectAlternativeNames("alt.example.com").withKeyAlgorithm(KeyAlgorithm.EC_prime256v1)
                .withValidity(validity)).certificateArn();
    }

    private String importExpiringAt(Instant notAfter) {
        KeyPair keys = TestPki.ec();
        TestPki.Issued ca = TestPki.ca("Ext", START.minusSeconds(60), START.plus(Duration.ofDays(500)));
        TestPki.Issued leaf = TestPki.leaf("CN=imp.example.com", keys, List.of(), START.minusSeconds(60), notAfter, ca);
        return fixture.service.importCertificate(ImportCertificateRequest.of("us-east-1", Pem.write(leaf.certificate()),
                Pem.write(ca.certificate()), Pem.writePrivateKey(keys.getPrivate()))).certificateArn();
    }

    private CertificateEvent lastEvent() {
        List<CertificateEvent> events = fixture.service.readEvents(new ReadEventsRequest(0, 100)).events();
        return events.get(events.size() - 1);
    }

    private void moveTo(Instant instant) {
        fixture.mutableClock().set(instant);
    }

    private RenewalReport runOnce() {
        return fixture.service.renewalScheduler().runOnce();
    }
}
