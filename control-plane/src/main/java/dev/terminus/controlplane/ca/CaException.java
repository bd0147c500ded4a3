package dev.terminus.controlplane.ca;

import java.util.Objects;

/**
 * Signals that the private CA refused a request. {@link #code()} is stable, so that the HTTP API
 * and the CLI can map it to an error code and an exit status; the message names the field, the
 * value and what was expected, in the form {@code "field: value (expected: ...)"}. Secrets such
 * as passphrases are never echoed.
 */
public final class CaException extends RuntimeException {

    /** Names why a request was refused. */
    public enum Code {
        /** A field is missing or malformed (DNS name, region, validity, key algorithm...). */
        INVALID_REQUEST,
        /** The region has no subordinate CA. */
        UNKNOWN_REGION,
        /** The root, or the region's subordinate, already exists. */
        ALREADY_EXISTS,
        /** No root CA exists yet. */
        NO_ROOT,
        /** The requested validity does not fit inside the issuer's, or the issuer is not valid now. */
        VALIDITY_OUTSIDE_ISSUER,
        /** Restored CA material is inconsistent (key does not match, chain does not verify). */
        INVALID_CA_MATERIAL
    }

    private final Code code;

    CaException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Returns the stable reason for the refusal. */
    public Code code() {
        return code;
    }

    /** Builds the usual {@code "field: value (expected: ...)"} refusal for a bad field. */
    static CaException invalid(String field, Object value, String expected) {
        return new CaException(Code.INVALID_REQUEST, field + ": " + quote(value) + " (expected: " + expected + ")");
    }

    /** Quotes strings so that blanks and empty values are visible in messages. */
    static String quote(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }
}
