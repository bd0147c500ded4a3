/**
 * Persists the control plane's state: the certificate inventory, tags, the append-only event log
 * and the private CA's material, behind small interfaces ({@link dev.terminus.controlplane.store.CertificateStore},
 * {@link dev.terminus.controlplane.store.EventLog}, {@link dev.terminus.controlplane.store.CaMaterialStore})
 * grouped by {@link dev.terminus.controlplane.store.Store}. A PostgreSQL implementation will join the
 * embedded one; the SQL is kept portable for it (BIGINT epoch milliseconds, no MERGE).
 *
 * <p>Embedded database: H2 in file mode under the data directory. Chosen over SQLite because it is
 * pure Java (no native library extracted to a temporary directory at start, which fails on
 * {@code noexec} /tmp and in minimal containers), it runs many connections with MVCC instead of
 * one writer lock per file, and its SQL (identity columns, {@code LIMIT}) matches PostgreSQL's
 * closely enough that one set of statements serves both. Plain JDBC through HikariCP; schema
 * migrations are versioned SQL files applied in order and recorded in {@code schema_version}.
 *
 * <p>Private keys (certificate and CA keys alike) are sealed with envelope encryption: a random
 * 256-bit data key per record, AES-256-GCM with a random 96-bit nonce and the record id as AAD;
 * the data key is wrapped by the key-encryption key ({@link dev.terminus.controlplane.store.Kek},
 * from {@code TERMINUS_KEK} or a file) with AES-256-GCM and the same AAD. Only ciphertext ever
 * reaches the database, so no clear key bytes can land in its files, logs or temporary copies.
 * {@link dev.terminus.controlplane.store.Store#rewrap} re-wraps every data key under a new KEK in
 * one transaction. Every call blocks on I/O: never call the store on an event loop.
 */
package dev.terminus.controlplane.store;
