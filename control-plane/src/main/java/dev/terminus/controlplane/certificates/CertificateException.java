package dev.terminus.controlplane.certificates;

import java.util.Objects;

/**
 * Signals that the inventory refused a call; a refused call changed nothing. {@link #code()} is
 * stable; the message reads {@code "field: value (expected: ...)"} and never echoes keys or passphrases.
 */
public final class CertificateException extends RuntimeException {

    private final ErrorCode code;

    CertificateException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    CertificateException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Returns the stable reason. */
    public ErrorCode code() {
        return code;
    }

    /** Builds the usual refusal of a bad field with {@link ErrorCode#INVALID_PARAMETER}. */
    static CertificateException invalid(String field, Object value, String expected) {
        return of(ErrorCode.INVALID_PARAMETER, field, value, expected);
    }

    /** Builds a {@code "field: value (expected: ...)"} refusal with {@code code}. */
    static CertificateException of(ErrorCode code, String field, Object value, String expected) {
        return new CertificateException(code, field + ": " + quote(value) + " (expected: " + expected + ")");
    }

    static String quote(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }
}
