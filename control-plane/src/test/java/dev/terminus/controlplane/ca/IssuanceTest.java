package dev.terminus.controlplane.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checks what an issued certificate contains, for every key algorithm, using the JDK and Bouncy Castle parsers. */
class IssuanceTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String REGION = "us-east-1";

    private static CertificateAuthorityHierarchy ca;
    private static X509Certificate root;
    private static X509Certificate subordinate;

    @BeforeAll
    static void createHierarchy() {
        ca = CertificateAuthorityHierarchy.empty(CaConfig.of("http://127.0.0.1:8089/"), Clock.fixed(NOW, ZoneOffset.UTC));
        root = ca.createRoot(CreateRootRequest.of("Terminus Test Root")).certificate();
        subordinate = ca.createSubordinate(CreateSubordinateRequest.of(REGION)).certificate();
    }

    // Each algorithm generates one key here; RSA_4096 is the only RSA-4096 generation in this class.
    @ParameterizedTest(name = "ok_{0}")
    @EnumSource(KeyAlgorithm.class)
    void ok_everyKeyAlgorithm(KeyAlgorithm algorithm) throws Exception {
        IssueResponse issued = ca.issue(IssueRequest.of(REGION, "www.example.com")
                .withSubjectAlternativeNames("*.example.com", "api.example.com")
                .withKeyAlgorithm(algorithm));
        X509Certificate certificate = issued.certificate();

        assertThat(KeyAlgorithm.of(certificate.getPublicKey())).isEqualTo(algorithm);
        assertThat(Restore.keyMatches(issued.privateKey(), certificate.getPublicKey())).isTrue();
        certificate.verify(subordinate.getPublicKey());
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(issued.chain()).containsExactly(subordinate, root);
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=www.example.com");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(subordinate.getSubjectX500Principal());

        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        assertThat(certificate.getCriticalExtensionOIDs())
                .containsExactlyInAnyOrder(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        boolean[] keyUsage = certificate.getKeyUsage();
        assertThat(keyUsage[0]).as("digitalSignature").isTrue();
        assertThat(keyUsage[2]).as("keyEncipherment (RSA only)").isEqualTo(!algorithm.isEc());
        assertThat(keyUsage[5]).as("keyCertSign").isFalse();
        assertThat(certificate.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_serverAuth.getId());

        assertThat(dnsNames(certificate)).containsExactly("www.example.com", "*.example.com", "api.example.com");

        byte[] ski = SubjectKeyIdentifier.getInstance(Extensions.value(certificate, Extension.subjectKeyIdentifier))
                .getKeyIdentifier();
        assertThat(ski).isEqualTo(new JcaX509ExtensionUtils().createSubjectKeyIdentifier(certificate.getPublicKey())
                .getKeyIdentifier());
        AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.getInstance(
                Extensions.value(certificate, Extension.authorityKeyIdentifier));
        assertThat(aki.getKeyIdentifierOctets()).isEqualTo(SubjectKeyIdentifier.getInstance(
                Extensions.value(subordinate, Extension.subjectKeyIdentifier)).getKeyIdentifier());
        assertThat(aki.getAuthorityCertIssuer()).isNull();
        assertThat(aki.getAuthorityCertSerialNumber()).isNull();

        assertThat(crlUrls(certificate)).containsExactly("http://127.0.0.1:8089/crl/us-east-1.crl");
        assertThat(ocspUrls(certificate)).containsExactly("http://127.0.0.1:8089/ocsp/us-east-1");

        assertThat(certificate.getSerialNumber().signum()).isPositive();
        assertThat(certificate.getSerialNumber().bitLength()).isBetween(64, 128);
        assertThat(certificate.getNotBefore().toInstant()).isEqualTo(NOW.minus(Validity.BACKDATE));
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(395)));
    }

    @Test
    void ok_subordinateIsPathLen0CaSignedByRoot() throws Exception {
        subordinate.verify(root.getPublicKey());
        assertThat(subordinate.getBasicConstraints()).isZero();
        assertThat(subordinate.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(subordinate.getKeyUsage()[6]).as("cRLSign").isTrue();
        assertThat(subordinate.getSubjectX500Principal().getName()).isEqualTo("CN=Terminus Subordinate CA us-east-1");
        assertThat(AuthorityKeyIdentifier.getInstance(Extensions.value(subordinate, Extension.authorityKeyIdentifier))
                .getKeyIdentifierOctets())
                .isEqualTo(SubjectKeyIdentifier.getInstance(Extensions.value(root, Extension.subjectKeyIdentifier))
                        .getKeyIdentifier());
        assertThat(subordinate.getNotAfter().toInstant()).isEqualTo(NOW.atOffset(ZoneOffset.UTC).plusYears(5).toInstant());
    }

    @Test
    void ok_rootIsSelfSignedCaForTenYears() throws Exception {
        root.verify(root.getPublicKey());
        assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(root.getSubjectX500Principal()).isEqualTo(root.getIssuerX500Principal());
        assertThat(KeyAlgorithm.of(root.getPublicKey())).isEqualTo(KeyAlgorithm.EC_secp384r1);
        assertThat(root.getNotAfter().toInstant()).isEqualTo(NOW.atOffset(ZoneOffset.UTC).plusYears(10).toInstant());
    }

    @Test
    void ok_wildcardSanNormalised() throws Exception {
        X509Certificate certificate = ca.issue(IssueRequest.of(REGION, "*.Shop.Example.COM.")
                .withSubjectAlternativeNames("shop.example.com", "*.shop.example.com")
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1)).certificate();

        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=*.shop.example.com");
        assertThat(dnsNames(certificate)).containsExactly("*.shop.example.com", "shop.example.com");
    }

    /** Returns the SAN entries, failing if any is not a dNSName. */
    static List<String> dnsNames(X509Certificate certificate) throws Exception {
        return certificate.getSubjectAlternativeNames().stream()
                .peek(san -> assertThat(san.get(0)).isEqualTo(GeneralName.dNSName))
                .map(san -> (String) san.get(1))
                .toList();
    }

    private static List<String> crlUrls(X509Certificate certificate) {
        return List.of(CRLDistPoint.getInstance(Extensions.value(certificate, Extension.cRLDistributionPoints))
                        .getDistributionPoints()).stream()
                .map(DistributionPoint::getDistributionPoint)
                .flatMap(name -> List.of(GeneralNames.getInstance(name.getName()).getNames()).stream())
                .map(IssuanceTest::uri)
                .toList();
    }

    private static List<String> ocspUrls(X509Certificate certificate) {
        return List.of(AuthorityInformationAccess.getInstance(Extensions.value(certificate, Extension.authorityInfoAccess))
                        .getAccessDescriptions()).stream()
                .filter(description -> description.getAccessMethod().equals(AccessDescription.id_ad_ocsp))
                .map(description -> uri(description.getAccessLocation()))
                .toList();
    }

    private static String uri(GeneralName name) {
        assertThat(name.getTagNo()).isEqualTo(GeneralName.uniformResourceIdentifier);
        return name.getName().toString();
    }
}
