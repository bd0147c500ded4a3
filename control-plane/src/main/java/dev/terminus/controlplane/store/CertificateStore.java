package dev.terminus.controlplane.store;

import java.security.PrivateKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Persists certificates, their sealed private keys and their tags. Every mutation is one
 * transaction that also appends its event (when given), so that the log and the inventory never
 * disagree. Implementations are thread-safe; calls block on I/O: never call them on an event loop.
 */
public interface CertificateStore {

    /** Inserts a new certificate with its key, tags and event; refuses an existing ARN with {@code CONFLICT}. */
    void insert(CertificateRecord record, PrivateKey key, Map<String, String> tags, StoredEvent event);

    /**
     * Replaces the certificate whose ARN and version match {@code record}, and returns it with the
     * next version. A null {@code key} keeps the stored key, a null {@code event} appends none.
     * Refuses a missing ARN ({@code NOT_FOUND}) and a stale version ({@code CONFLICT}).
     */
    CertificateRecord update(CertificateRecord record, PrivateKey key, StoredEvent event);

    /** Returns the certificate with {@code arn}, if any. */
    Optional<CertificateRecord> find(String arn);

    /** Returns the certificates matching {@code query}, ordered by ARN. */
    List<CertificateRecord> list(CertificateQuery query);

    /** Returns the decrypted private key of {@code arn}; refuses a missing one ({@code NOT_FOUND}). */
    PrivateKey privateKey(String arn);

    /** Deletes the certificate, its key and its tags, and appends {@code event}; refuses a missing ARN. */
    void delete(String arn, StoredEvent event);

    /** Returns the tags of {@code arn}, sorted by key (empty when it has none). */
    SortedMap<String, String> tags(String arn);

    /** Adds or overwrites tags of an existing certificate; refuses a missing ARN ({@code NOT_FOUND}). */
    void putTags(String arn, Map<String, String> tags);

    /** Removes the tags named by {@code keys}; absent keys are ignored. */
    void removeTags(String arn, Collection<String> keys);
}
