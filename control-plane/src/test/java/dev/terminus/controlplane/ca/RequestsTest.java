package dev.terminus.controlplane.ca;

import static dev.terminus.controlplane.ca.HierarchyTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Period;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks request defaults and that each invalid field is refused on construction with its name and value. */
class RequestsTest {

    @Test
    void ok_defaults() {
        assertThat(CreateRootRequest.of("Root")).isEqualTo(
                new CreateRootRequest("Root", KeyAlgorithm.EC_secp384r1, Period.ofYears(10)));
        assertThat(CreateSubordinateRequest.of("us-east-1")).isEqualTo(new CreateSubordinateRequest(
                "us-east-1", "Terminus Subordinate CA us-east-1", KeyAlgorithm.EC_secp384r1, Period.ofYears(5)));
        assertThat(IssueRequest.of("us-east-1", "example.com")).isEqualTo(new IssueRequest(
                "us-east-1", "example.com", List.of(), KeyAlgorithm.RSA_2048, Period.ofDays(395)));
    }

    @Test
    void ok_dnsNamesDomainFirstWithoutDuplicates() {
        IssueRequest request = IssueRequest.of("us-east-1", "Example.com")
                .withSubjectAlternativeNames("www.example.com", "EXAMPLE.com.", "*.example.com", "www.example.com");

        assertThat(request.domainName()).isEqualTo("example.com");
        assertThat(request.dnsNames()).containsExactly("example.com", "www.example.com", "*.example.com");
    }

    @Test
    void ok_rsa4096Root() {
        assertThat(CreateRootRequest.of("Root").withKeyAlgorithm(KeyAlgorithm.RSA_4096).keyAlgorithm())
                .isEqualTo(KeyAlgorithm.RSA_4096);
    }

    static Stream<Arguments> refused() {
        IssueRequest issue = IssueRequest.of("us-east-1", "example.com");
        String[] tooMany = new String[IssueRequest.MAX_NAMES];
        Arrays.setAll(tooMany, i -> "n" + i + ".example.com");
        return Stream.of(
                refusal("fail_rootBlankCommonName", () -> CreateRootRequest.of("  "), "commonName: \"  \""),
                refusal("fail_rootLongCommonName", () -> CreateRootRequest.of("x".repeat(65)), "commonName: \"xxx", "64"),
                refusal("fail_rootLeafKeyAlgorithm", () -> CreateRootRequest.of("Root").withKeyAlgorithm(KeyAlgorithm.RSA_2048),
                        "keyAlgorithm: RSA_2048", "a CA key algorithm"),
                refusal("fail_rootZeroValidity", () -> CreateRootRequest.of("Root").withValidity(Period.ZERO),
                        "validity: P0D"),
                refusal("fail_rootNullValidity", () -> CreateRootRequest.of("Root").withValidity(null), "validity: null"),
                refusal("fail_subordinateRegionUpperCase", () -> CreateSubordinateRequest.of("US_EAST_1"),
                        "region: \"US_EAST_1\"", "e.g. us-east-1"),
                refusal("fail_subordinateRegionPathTraversal", () -> CreateSubordinateRequest.of("../etc"),
                        "region: \"../etc\""),
                refusal("fail_subordinateLeafKeyAlgorithm",
                        () -> CreateSubordinateRequest.of("us-east-1").withKeyAlgorithm(KeyAlgorithm.EC_prime256v1),
                        "keyAlgorithm: EC_prime256v1"),
                refusal("fail_subordinateNegativeValidity",
                        () -> CreateSubordinateRequest.of("us-east-1").withValidity(Period.ofYears(-1)), "validity: P-1Y"),
                refusal("fail_issueNullRegion", () -> IssueRequest.of(null, "example.com"), "region: null"),
                refusal("fail_issueInvalidDomainName", () -> IssueRequest.of("us-east-1", "a.*.com"), "domainName: \"a.*.com\""),
                refusal("fail_issueLongDomainName", () -> IssueRequest.of("us-east-1", "a".repeat(60) + ".example.com"),
                        "domainName: \"aaaa", "at most 64 characters"),
                refusal("fail_issueInvalidSan", () -> issue.withSubjectAlternativeNames("ok.example.com", "*.com"),
                        "subjectAlternativeNames[1]: \"*.com\""),
                refusal("fail_issueNullSan", () -> issue.withSubjectAlternativeNames("ok.example.com", null),
                        "subjectAlternativeNames[1]: null"),
                refusal("fail_issueNullSanList", () -> new IssueRequest("us-east-1", "example.com", null,
                        KeyAlgorithm.RSA_2048, Period.ofDays(1)), "subjectAlternativeNames: null"),
                refusal("fail_issueTooManyNames", () -> issue.withSubjectAlternativeNames(tooMany),
                        "subjectAlternativeNames: 100 names", "at most 100"),
                refusal("fail_issueNullKeyAlgorithm", () -> issue.withKeyAlgorithm(null), "keyAlgorithm: null"),
                refusal("fail_issueMixedSignValidity", () -> issue.withValidity(Period.of(0, 1, -3)), "validity: P1M-3D"),
                refusal("fail_parseKeyAlgorithm", () -> KeyAlgorithm.parse("RSA_1024"), "keyAlgorithm: \"RSA_1024\"",
                        "EC_secp384r1"),
                refusal("fail_configFtpUrl", () -> CaConfig.of("ftp://127.0.0.1/"), "revocationBaseUrl: \"ftp://127.0.0.1/\""),
                refusal("fail_configQuery", () -> CaConfig.of("http://127.0.0.1:8080/?x=1"), "revocationBaseUrl"),
                refusal("fail_configRelative", () -> CaConfig.of("/crl"), "revocationBaseUrl: \"/crl\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refuses(String name, ThrowingCallable construction, List<String> messageParts) {
        assertRefused(construction, CaException.Code.INVALID_REQUEST, messageParts.toArray(String[]::new));
    }

    @Test
    void ok_configUrls() {
        CaConfig config = CaConfig.of("http://127.0.0.1:8080/pki/");
        assertThat(config.crlUrl("us-east-1")).isEqualTo("http://127.0.0.1:8080/pki/crl/us-east-1.crl");
        assertThat(config.ocspUrl("us-east-1")).isEqualTo("http://127.0.0.1:8080/pki/ocsp/us-east-1");
    }

    private static Arguments refusal(String name, ThrowingCallable construction, String... messageParts) {
        return Arguments.of(name, construction, Collections.unmodifiableList(Arrays.asList(messageParts)));
    }
}
