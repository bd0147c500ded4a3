package dev.terminus.controlplane.ca;

import java.time.Period;
import java.util.regex.Pattern;

/** Validates the simple request fields shared by the CA operations; each refusal names the field and value. */
final class Fields {

    // Region names go into CRL and OCSP URL paths and certificate ids, so they stay URL-safe: us-east-1.
    private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final int MAX_REGION_LENGTH = 32;
    // RFC 5280 Appendix A: ub-common-name INTEGER ::= 64.
    private static final int MAX_COMMON_NAME_LENGTH = 64;

    private Fields() {
    }

    /** Returns {@code value}, or refuses {@code null} naming the field. */
    static <T> T required(String field, T value) {
        if (value == null) {
            throw CaException.invalid(field, null, "a value");
        }
        return value;
    }

    /** Returns {@code region} if it is a lower-case, hyphenated region name such as {@code us-east-1}. */
    static String region(String field, String region) {
        if (region == null || region.length() > MAX_REGION_LENGTH || !REGION.matcher(region).matches()) {
            throw CaException.invalid(field, region,
                    "a region name of lower-case letters, digits and hyphens, at most " + MAX_REGION_LENGTH
                            + " characters, e.g. us-east-1");
        }
        return region;
    }

    /** Returns {@code name} if it is a non-blank common name of at most 64 characters without control characters. */
    static String commonName(String field, String name) {
        if (name == null || name.isBlank() || name.length() > MAX_COMMON_NAME_LENGTH
                || name.chars().anyMatch(Character::isISOControl)) {
            throw CaException.invalid(field, name,
                    "a non-blank name of at most " + MAX_COMMON_NAME_LENGTH + " characters without control characters");
        }
        return name;
    }

    /** Returns {@code validity} if every component is non-negative and it is not zero. */
    static Period validity(String field, Period validity) {
        required(field, validity);
        if (validity.isZero() || validity.getYears() < 0 || validity.getMonths() < 0 || validity.getDays() < 0) {
            throw CaException.invalid(field, validity, "a positive period, e.g. P395D or P10Y");
        }
        return validity;
    }

    /** Returns {@code algorithm} if a CA may use it. */
    static KeyAlgorithm caKeyAlgorithm(String field, KeyAlgorithm algorithm) {
        required(field, algorithm);
        if (!algorithm.isCaKeyAlgorithm()) {
            throw CaException.invalid(field, algorithm, "a CA key algorithm, one of " + KeyAlgorithm.CA_KEY_ALGORITHMS);
        }
        return algorithm;
    }
}
