package dev.terminus.controlplane.ca;

import java.time.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Asks for an end-entity TLS server certificate from {@code region}'s subordinate CA, as ACM's
 * {@code RequestCertificate} does for private certificates. Validated on construction: names are
 * normalised (lower case, no trailing dot) and checked as DNS names, wildcards included; whether
 * the validity fits inside the issuer's is checked when the hierarchy signs it.
 */
public record IssueRequest(
        String region, String domainName, List<String> subjectAlternativeNames, KeyAlgorithm keyAlgorithm,
        Period validity) {

    /** ACM's default key algorithm for requested certificates. */
    public static final KeyAlgorithm DEFAULT_KEY_ALGORITHM = KeyAlgorithm.RSA_2048;
    /** ACM issues for 395 days. */
    public static final Period DEFAULT_VALIDITY = Period.ofDays(395);
    /** ACM's hard limit on names per certificate (the default quota is 10, raisable to 100). */
    public static final int MAX_NAMES = 100;
    // RFC 5280 ub-common-name: the domain name also becomes the subject CN, so ACM limits it to 64.
    private static final int MAX_DOMAIN_NAME_LENGTH = 64;

    /** Normalises and validates every field; refusals name the field (with its index) and value. */
    public IssueRequest {
        Fields.region("region", region);
        domainName = DnsNames.check("domainName", domainName);
        if (domainName.length() > MAX_DOMAIN_NAME_LENGTH) {
            throw CaException.invalid("domainName", domainName,
                    "at most " + MAX_DOMAIN_NAME_LENGTH + " characters, since it is also the subject common name;"
                            + " put longer names in subjectAlternativeNames");
        }
        Fields.required("subjectAlternativeNames", subjectAlternativeNames);
        List<String> names = new ArrayList<>(subjectAlternativeNames.size());
        for (int i = 0; i < subjectAlternativeNames.size(); i++) {
            names.add(DnsNames.check("subjectAlternativeNames[" + i + "]", subjectAlternativeNames.get(i)));
        }
        subjectAlternativeNames = List.copyOf(names);
        if (dnsNames(domainName, subjectAlternativeNames).size() > MAX_NAMES) {
            throw new CaException(CaException.Code.INVALID_REQUEST, "subjectAlternativeNames: "
                    + subjectAlternativeNames.size() + " names (expected: at most " + MAX_NAMES
                    + " distinct names in all, domainName included)");
        }
        Fields.required("keyAlgorithm", keyAlgorithm);
        Fields.validity("validity", validity);
    }

    /** Returns a request for {@code domainName} in {@code region}, with ACM's defaults: RSA_2048, 395 days. */
    public static IssueRequest of(String region, String domainName) {
        return new IssueRequest(region, domainName, List.of(), DEFAULT_KEY_ALGORITHM, DEFAULT_VALIDITY);
    }

    /** Returns a copy with {@code names} as the additional subject alternative names. */
    public IssueRequest withSubjectAlternativeNames(String... names) {
        return new IssueRequest(region, domainName, Arrays.asList(names), keyAlgorithm, validity);
    }

    /** Returns a copy with {@code keyAlgorithm}. */
    public IssueRequest withKeyAlgorithm(KeyAlgorithm keyAlgorithm) {
        return new IssueRequest(region, domainName, subjectAlternativeNames, keyAlgorithm, validity);
    }

    /** Returns a copy with {@code validity}. */
    public IssueRequest withValidity(Period validity) {
        return new IssueRequest(region, domainName, subjectAlternativeNames, keyAlgorithm, validity);
    }

    /** Returns every name the certificate carries as a DNS SAN: the domain name first, then the others, without duplicates. */
    public List<String> dnsNames() {
        return List.copyOf(dnsNames(domainName, subjectAlternativeNames));
    }

    private static Set<String> dnsNames(String domainName, List<String> others) {
        // ACM puts the domain name in the SAN extension too: RFC 6125 §6.4.4 clients ignore the CN when SANs exist.
        Set<String> names = new LinkedHashSet<>();
        names.add(domainName);
        names.addAll(others);
        return names;
    }
}
