package dev.terminus.controlplane.store;

import java.util.Objects;

/**
 * Signals that the store refused or failed an operation. {@link #code()} is stable, for the API
 * and CLI to map; messages follow {@code "field: value (expected: ...)"} and never contain key
 * material.
 */
public final class StoreException extends RuntimeException {

    /** Names why the store failed. */
    public enum Code {
        /** The key-encryption key given is malformed (not base64, not 256 bits, missing, or set twice). */
        INVALID_KEK,
        /** The key-encryption key does not open this data directory (a different or an old key). */
        WRONG_KEK,
        /** A sealed record failed authentication under the right key: the data was altered. */
        CORRUPT,
        /** The record changed since it was read (optimistic concurrency), or a unique key is taken. */
        CONFLICT,
        /** The record does not exist. */
        NOT_FOUND,
        /** The database failed: I/O, locked by another process, or a migration error. */
        DATABASE
    }

    private final Code code;

    StoreException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    StoreException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Returns the stable reason. */
    public Code code() {
        return code;
    }
}
