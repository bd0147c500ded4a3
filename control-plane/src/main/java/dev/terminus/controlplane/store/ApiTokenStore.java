package dev.terminus.controlplane.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persists API bearer tokens by the SHA-256 hash of their secret; the secret itself is never
 * stored. Thread-safe; calls block on I/O.
 */
public interface ApiTokenStore {

    /** Describes one token: id, hex SHA-256 of the whole token, role name, note, creation time and creator's token id. */
    record TokenRecord(String id, String tokenHash, String role, String description, Instant createdAt, String createdBy) {
    }

    /** Inserts {@code token}; refuses a taken id or hash with {@code CONFLICT}. */
    void insert(TokenRecord token);

    /** Returns the token whose hash is {@code tokenHash}, if any. */
    Optional<TokenRecord> findByHash(String tokenHash);

    /** Returns every token, oldest first. */
    List<TokenRecord> list();

    /** Deletes the token {@code id}; refuses a missing one with {@code NOT_FOUND}. */
    void delete(String id);

    /** Returns how many tokens exist (0 on a first start). */
    int count();
}
