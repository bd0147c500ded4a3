package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.CaException;
import dev.terminus.controlplane.ca.IssueRequest;
import dev.terminus.controlplane.ca.KeyAlgorithm;
import java.time.Period;
import java.util.List;
import java.util.Map;

/**
 * Asks for a PRIVATE certificate issued by {@code region}'s subordinate CA (ACM's
 * {@code RequestCertificate} with a private CA). Null {@code keyAlgorithm} and {@code validity}
 * take ACM's defaults (RSA_2048, 395 days). Validated on construction.
 */
public record RequestCertificateRequest(String region, String domainName, List<String> subjectAlternativeNames,
        KeyAlgorithm keyAlgorithm, Period validity, Map<String, String> tags) {

    /** Applies defaults and validates names, validity and tags. */
    public RequestCertificateRequest {
        CertificateArn.region(region, "region");
        subjectAlternativeNames = subjectAlternativeNames == null ? List.of() : List.copyOf(subjectAlternativeNames);
        keyAlgorithm = keyAlgorithm == null ? IssueRequest.DEFAULT_KEY_ALGORITHM : keyAlgorithm;
        validity = validity == null ? IssueRequest.DEFAULT_VALIDITY : validity;
        tags = Tags.check("tags", tags);
        issueRequest(region, domainName, subjectAlternativeNames, keyAlgorithm, validity);
    }

    /** Returns a request for {@code domainName} in {@code region} with defaults and no tags. */
    public static RequestCertificateRequest of(String region, String domainName) {
        return new RequestCertificateRequest(region, domainName, List.of(), null, null, Map.of());
    }

    /** Returns a copy with {@code keyAlgorithm}. */
    public RequestCertificateRequest withKeyAlgorithm(KeyAlgorithm keyAlgorithm) {
        return new RequestCertificateRequest(region, domainName, subjectAlternativeNames, keyAlgorithm, validity, tags);
    }

    /** Returns a copy with {@code validity}. */
    public RequestCertificateRequest withValidity(Period validity) {
        return new RequestCertificateRequest(region, domainName, subjectAlternativeNames, keyAlgorithm, validity, tags);
    }

    /** Returns a copy with {@code names} as additional subject alternative names. */
    public RequestCertificateRequest withSubjectAlternativeNames(String... names) {
        return new RequestCertificateRequest(region, domainName, List.of(names), keyAlgorithm, validity, tags);
    }

    /** Returns a copy with {@code tags}. */
    public RequestCertificateRequest withTags(Map<String, String> tags) {
        return new RequestCertificateRequest(region, domainName, subjectAlternativeNames, keyAlgorithm, validity, tags);
    }

    /** Returns the CA library's request for this certificate. */
    IssueRequest issueRequest() {
        return issueRequest(region, domainName, subjectAlternativeNames, keyAlgorithm, validity);
    }

    private static IssueRequest issueRequest(String region, String domainName, List<String> names, KeyAlgorithm algorithm,
            Period validity) {
        try {
            return new IssueRequest(region, domainName, names, algorithm, validity);
        } catch (CaException e) {
            throw new CertificateException(ErrorCode.INVALID_PARAMETER, e.getMessage(), e);
        }
    }
}
