package dev.terminus.controlplane.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks DNS name normalisation and validation as a table: ok/... accept (normalised), fail/... refuse with the rule. */
class DnsNamesTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("ok_simple", "example.com", "example.com"),
                Arguments.of("ok_subdomain", "www.example.com", "www.example.com"),
                Arguments.of("ok_wildcardSan", "*.example.com", "*.example.com"),
                Arguments.of("ok_wildcardDeep", "*.api.eu.example.com", "*.api.eu.example.com"),
                Arguments.of("ok_upperCaseAndTrailingDot", "WWW.Example.COM.", "www.example.com"),
                Arguments.of("ok_punycode", "xn--bcher-kva.example", "xn--bcher-kva.example"),
                Arguments.of("ok_hyphenInside", "a-b.example.com", "a-b.example.com"),
                Arguments.of("ok_numericLabelNotLast", "123.example.com", "123.example.com"),
                Arguments.of("ok_label63", "a".repeat(63) + ".example.com", "a".repeat(63) + ".example.com"),
                // No public-suffix list: a wildcard under a two-label suffix passes (documented limitation).
                Arguments.of("ok_wildcardUnderTwoLabelSuffix", "*.co.uk", "*.co.uk"));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("fail_bareWildcard", "*", "a wildcard under a domain of at least two labels"),
                Arguments.of("fail_wildcardUnderTld", "*.com", "not *.com"),
                Arguments.of("fail_wildcardInMiddle", "a.*.com", "wildcard only as the whole leftmost label"),
                Arguments.of("fail_twoWildcards", "*.*.example.com", "wildcard only as the whole leftmost label"),
                Arguments.of("fail_partialWildcardPrefix", "*a.example.com", "wildcard only as the whole leftmost label"),
                Arguments.of("fail_partialWildcardSuffix", "a*.example.com", "wildcard only as the whole leftmost label"),
                Arguments.of("fail_singleLabel", "localhost", "at least two labels"),
                Arguments.of("fail_empty", "", "1 to 253 characters"),
                Arguments.of("fail_onlyDot", ".", "1 to 253 characters"),
                Arguments.of("fail_emptyLabel", "example..com", "labels of 1 to 63 characters"),
                Arguments.of("fail_leadingDot", ".example.com", "labels of 1 to 63 characters"),
                Arguments.of("fail_label64", "a".repeat(64) + ".example.com", "labels of 1 to 63 characters"),
                Arguments.of("fail_name254", ("a".repeat(49) + ".").repeat(5) + "abcd", "1 to 253 characters"),
                Arguments.of("fail_leadingHyphen", "-a.example.com", "neither start nor end with a hyphen"),
                Arguments.of("fail_trailingHyphen", "a-.example.com", "neither start nor end with a hyphen"),
                Arguments.of("fail_underscore", "under_score.example.com", "letters, digits and hyphens only"),
                Arguments.of("fail_space", "exa mple.com", "letters, digits and hyphens only"),
                Arguments.of("fail_unicode", "bücher.example", "punycode"),
                Arguments.of("fail_ipv4", "10.0.0.1", "not an IP address"),
                Arguments.of("fail_ipv6", "::1", "letters, digits and hyphens only"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void accepts(String name, String input, String normalised) {
        assertThat(DnsNames.check("domainName", input)).isEqualTo(normalised);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refuses(String name, String input, String rule) {
        assertThatThrownBy(() -> DnsNames.check("domainName", input))
                .isInstanceOfSatisfying(CaException.class,
                        e -> assertThat(e.code()).isEqualTo(CaException.Code.INVALID_REQUEST))
                .hasMessageStartingWith("domainName: \"" + input + "\" (expected: ")
                .hasMessageContaining(rule);
    }
}
