package dev.terminus.controlplane.store;

import java.nio.file.Path;

/**
 * Opens the control plane's persistent state: certificates, events and CA material, with private
 * keys sealed under a key-encryption key. Thread-safe; every call blocks on I/O.
 */
public interface Store extends AutoCloseable {

    /**
     * Opens (creating if needed) the embedded store under {@code dataDir}, migrating its schema,
     * and refuses with {@code WRONG_KEK} a {@code kek} that did not write it.
     */
    static Store openEmbedded(Path dataDir, Kek kek) {
        return EmbeddedStore.open(dataDir, kek);
    }

    /** Returns the certificate inventory's persistence. */
    CertificateStore certificates();

    /** Returns the event log. */
    EventLog events();

    /** Returns the webhook targets' delivery cursors and backoff state. */
    WebhookDeliveryStore webhookDeliveries();

    /** Returns the CA material's persistence. */
    CaMaterialStore caMaterial();

    /** Returns the private CA's revocation ledger and published CRLs. */
    RevocationStore revocations();

    /** Returns the API's bearer tokens (hashed). */
    ApiTokenStore apiTokens();

    /** Returns the API's audit log of mutating calls. */
    AuditLog auditLog();

    /** Returns the control plane's own TLS identities (the API server certificate). */
    ServerIdentityStore serverIdentities();

    /**
     * Re-wraps every record's data key (certificates, CA keys) from the current KEK to {@code newKek}
     * in one transaction, and uses {@code newKek} from then on; returns how many records it re-wrapped.
     * On failure nothing changes. The caller must then store {@code newKek} where the next start reads it.
     */
    int rewrap(Kek newKek);

    /** Closes the connection pool; the database files are consistent afterwards. */
    @Override
    void close();
}
