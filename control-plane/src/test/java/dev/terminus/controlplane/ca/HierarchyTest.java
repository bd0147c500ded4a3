package dev.terminus.controlplane.ca;

import dev.terminus.controlplane.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checks the hierarchy's rules: regions, duplicates, validity inside the issuer under a moved clock, restore. */
class HierarchyTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final CaConfig CONFIG = CaConfig.of("http://127.0.0.1:8089");

    private MutableClock clock;
    private CertificateAuthorityHierarchy ca;
    private CreateRootResponse root;
    private CreateSubordinateResponse east;
    private CreateSubordinateResponse west;

    @BeforeEach
    void createHierarchy() {
        clock = new MutableClock(T0);
        ca = CertificateAuthorityHierarchy.empty(CONFIG, clock);
        root = ca.createRoot(CreateRootRequest.of("Terminus Test Root"));
        east = ca.createSubordinate(CreateSubordinateRequest.of("us-east-1"));
        west = ca.createSubordinate(CreateSubordinateRequest.of("eu-west-1"));
    }

    @Test
    void ok_issuedInRegionA_signedByA_notB() throws Exception {
        IssueResponse issued = ca.issue(ec("us-east-1", "api.example.com"));

        issued.certificate().verify(east.certificate().getPublicKey());
        assertThatThrownBy(() -> issued.certificate().verify(west.certificate().getPublicKey()))
                .isInstanceOf(SignatureException.class);
        assertThat(issued.certificate().getIssuerX500Principal()).isEqualTo(east.certificate().getSubjectX500Principal());
        assertThat(issued.chain()).containsExactly(east.certificate(), root.certificate());
        assertThat(issued.region()).isEqualTo("us-east-1");
    }

    @Test
    void ok_regionsAndChains() {
        assertThat(ca.regions()).containsExactly("eu-west-1", "us-east-1");
        assertThat(ca.root()).isEqualTo(root.certificate());
        assertThat(ca.chain("eu-west-1")).containsExactly(west.certificate(), root.certificate());
        assertThat(Pem.readCertificates(ca.chainPem("eu-west-1"))).containsExactly(west.certificate(), root.certificate());
        assertThat(east.chain()).containsExactly(root.certificate());
    }

    @Test
    void fail_unknownRegion() {
        assertRefused(() -> ca.issue(ec("ap-south-1", "api.example.com")), CaException.Code.UNKNOWN_REGION,
                "region: \"ap-south-1\"", "[eu-west-1, us-east-1]");
        assertRefused(() -> ca.chain("ap-south-1"), CaException.Code.UNKNOWN_REGION, "region: \"ap-south-1\"");
    }

    @Test
    void fail_duplicateSubordinate() {
        assertRefused(() -> ca.createSubordinate(CreateSubordinateRequest.of("us-east-1")),
                CaException.Code.ALREADY_EXISTS, "region: \"us-east-1\"");
        assertThat(ca.chain("us-east-1")).containsExactly(east.certificate(), root.certificate());
    }

    @Test
    void fail_concurrentDuplicateSubordinate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CreateSubordinateResponse>> attempts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                attempts.add(pool.submit(() -> {
                    start.await();
                    return ca.createSubordinate(CreateSubordinateRequest.of("ap-south-1"));
                }));
            }
            start.countDown();
            List<X509Certificate> created = new ArrayList<>();
            for (Future<CreateSubordinateResponse> attempt : attempts) {
                try {
                    created.add(attempt.get(30, TimeUnit.SECONDS).certificate());
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfSatisfying(CaException.class,
                            refusal -> assertThat(refusal.code()).isEqualTo(CaException.Code.ALREADY_EXISTS));
                }
            }

            assertThat(created).hasSize(1);
            assertThat(ca.chain("ap-south-1").get(0)).isEqualTo(created.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fail_secondRoot() {
        assertRefused(() -> ca.createRoot(CreateRootRequest.of("Another Root")), CaException.Code.ALREADY_EXISTS, "root");
        assertThat(ca.root()).isEqualTo(root.certificate());
    }

    @Test
    void fail_noRoot() {
        CertificateAuthorityHierarchy empty = CertificateAuthorityHierarchy.empty(CONFIG, clock);
        assertRefused(() -> empty.createSubordinate(CreateSubordinateRequest.of("us-east-1")), CaException.Code.NO_ROOT,
                "root: none");
        assertRefused(empty::root, CaException.Code.NO_ROOT, "root: none");
        assertRefused(() -> empty.issue(ec("us-east-1", "a.example.com")), CaException.Code.UNKNOWN_REGION,
                "region: \"us-east-1\"", "one of []");
    }

    @Test
    void ok_defaultValidities() {
        X509Certificate leaf = ca.issue(ec("us-east-1", "a.example.com")).certificate();

        assertThat(notAfter(root.certificate())).isEqualTo(plus(T0, Period.ofYears(10)));
        assertThat(notAfter(east.certificate())).isEqualTo(plus(T0, Period.ofYears(5)));
        assertThat(notAfter(leaf)).isEqualTo(plus(T0, Period.ofDays(395)));
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(T0.minus(Validity.BACKDATE));
    }

    @Test
    void ok_validityFromMovedClock() {
        clock.advance(Duration.ofDays(100).plusMillis(750));
        X509Certificate leaf = ca.issue(ec("us-east-1", "a.example.com").withValidity(Period.ofDays(30))).certificate();

        Instant now = T0.plus(Duration.ofDays(100));
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(now.minus(Validity.BACKDATE));
        assertThat(notAfter(leaf)).isEqualTo(now.plus(Duration.ofDays(30)));
    }

    @Test
    void fail_leafValidityBeyondSubordinate() {
        clock.advance(Duration.ofDays(4 * 365 + 200));
        assertRefused(() -> ca.issue(ec("us-east-1", "a.example.com")), CaException.Code.VALIDITY_OUTSIDE_ISSUER,
                "validity: P395D", "notAfter " + notAfter(east.certificate()));
    }

    @Test
    void fail_subordinateOutlivesRoot() {
        clock.advance(Duration.ofDays(6 * 365));
        assertRefused(() -> ca.createSubordinate(CreateSubordinateRequest.of("ap-south-1")),
                CaException.Code.VALIDITY_OUTSIDE_ISSUER, "validity: P5Y", "notAfter " + notAfter(root.certificate()));

        X509Certificate shorter = ca.createSubordinate(CreateSubordinateRequest.of("ap-south-1")
                .withValidity(Period.ofYears(3))).certificate();
        assertThat(notAfter(shorter)).isBefore(notAfter(root.certificate()));
    }

    @Test
    void fail_issuerExpired() {
        clock.set(notAfter(east.certificate()).plusSeconds(1));
        assertRefused(() -> ca.issue(ec("us-east-1", "a.example.com").withValidity(Period.ofDays(1))),
                CaException.Code.VALIDITY_OUTSIDE_ISSUER, "validity: P1D", "is valid, from");
    }

    @Test
    void fail_clockBeforeIssuer() {
        clock.advance(Duration.ofDays(-1));
        assertRefused(() -> ca.issue(ec("us-east-1", "a.example.com")), CaException.Code.VALIDITY_OUTSIDE_ISSUER,
                "validity: P395D", "now is " + T0.minus(Duration.ofDays(1)));
    }

    @Test
    void ok_restoreIssuesFromStoredCredentials() throws Exception {
        CertificateAuthorityHierarchy restored = CertificateAuthorityHierarchy.restore(CONFIG, clock,
                root.credentials(), Map.of("us-east-1", east.credentials(), "eu-west-1", west.credentials()));

        assertThat(restored.regions()).containsExactly("eu-west-1", "us-east-1");
        restored.issue(ec("eu-west-1", "a.example.com")).certificate().verify(west.certificate().getPublicKey());
        assertRefused(() -> restored.createSubordinate(CreateSubordinateRequest.of("eu-west-1")),
                CaException.Code.ALREADY_EXISTS, "eu-west-1");
    }

    @Test
    void fail_restoreInconsistentMaterial() {
        CertificateAuthorityHierarchy other = CertificateAuthorityHierarchy.empty(CONFIG, clock);
        CreateRootResponse otherRoot = other.createRoot(CreateRootRequest.of("Other Root"));
        CreateSubordinateResponse foreign = other.createSubordinate(CreateSubordinateRequest.of("us-east-1"));
        IssueResponse leaf = ca.issue(ec("us-east-1", "a.example.com"));

        assertRefused(() -> restore(new CaCredentials(root.certificate(), otherRoot.privateKey()), Map.of()),
                CaException.Code.INVALID_CA_MATERIAL, "root: CN=Terminus Test Root", "matches");
        assertRefused(() -> restore(east.credentials(), Map.of()),
                CaException.Code.INVALID_CA_MATERIAL, "root: CN=Terminus Subordinate CA us-east-1", "self-signed");
        assertRefused(() -> restore(root.credentials(), Map.of("us-east-1", foreign.credentials())),
                CaException.Code.INVALID_CA_MATERIAL, "subordinates[us-east-1]", "signed by the root");
        assertRefused(() -> restore(root.credentials(),
                        Map.of("us-east-1", new CaCredentials(leaf.certificate(), leaf.privateKey()))),
                CaException.Code.INVALID_CA_MATERIAL, "subordinates[us-east-1]: CN=a.example.com", "CA certificate");
    }

    @Test
    void ok_toStringHidesPrivateKeys() {
        IssueResponse issued = ca.issue(ec("us-east-1", "a.example.com"));
        String pkcs8 = Pem.writePrivateKey(issued.privateKey());
        String body = pkcs8.lines().skip(1).findFirst().orElseThrow();

        assertThat(issued.toString()).contains("a.example.com").doesNotContain(body);
        assertThat(root.toString() + east + root.credentials()).doesNotContain("PRIVATE", "privateKey=");
    }

    private CertificateAuthorityHierarchy restore(CaCredentials rootCredentials, Map<String, CaCredentials> subs) {
        return CertificateAuthorityHierarchy.restore(CONFIG, clock, rootCredentials, subs);
    }

    private static IssueRequest ec(String region, String domainName) {
        return IssueRequest.of(region, domainName).withKeyAlgorithm(KeyAlgorithm.EC_prime256v1);
    }

    private static Instant notAfter(X509Certificate certificate) {
        return certificate.getNotAfter().toInstant();
    }

    private static Instant plus(Instant instant, Period period) {
        return instant.atOffset(ZoneOffset.UTC).plus(period).toInstant();
    }

    static void assertRefused(ThrowingCallable call, CaException.Code code, String... messageParts) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(CaException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContainingAll(messageParts);
    }
}
