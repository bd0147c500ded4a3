package dev.terminus.controlplane.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Implements {@link Store} on an H2 file database under a data directory. */
final class EmbeddedStore implements Store {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);

    private final Database database;
    private final SealedKeys keys;
    private final CertificateStore certificates;
    private final EventLog events;
    private final CaMaterialStore caMaterial;
    private final RevocationStore revocations;
    private final ApiTokenStore apiTokens;
    private final AuditLog auditLog;
    private final ServerIdentityStore serverIdentities;

    private EmbeddedStore(Database database, SealedKeys keys) {
        this.database = database;
        this.keys = keys;
        this.certificates = new JdbcCertificateStore(database, keys);
        this.caMaterial = new JdbcCaMaterialStore(database, keys);
        this.revocations = new JdbcRevocationStore(database);
        this.apiTokens = new JdbcApiTokenStore(database);
        this.auditLog = new JdbcAuditLog(database);
        this.serverIdentities = new JdbcServerIdentityStore(database, keys);
        this.events = new EventLog() {
            @Override
            public StoredEvent append(StoredEvent event) {
                return database.inTransaction("append event", connection -> EventRows.append(connection, event));
            }

            @Override
            public List<StoredEvent> readAfter(long afterId, int limit) {
                return database.read("read events", connection -> EventRows.readAfter(connection, afterId, limit));
            }
        };
    }

    static Store open(Path dataDir, Kek kek) {
        Objects.requireNonNull(kek, "kek");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreException(StoreException.Code.DATABASE, "dataDir: " + dataDir + " (expected: a directory we can create; " + e + ")", e);
        }
        Database database = Database.open(dataDir);
        try {
            Migrations.apply(database);
            SealedKeys keys = new SealedKeys(kek);
            database.exclusive("check kek", connection -> {
                keys.checkKek(connection);
                return null;
            });
            log.info("Opened store in {}", dataDir.toAbsolutePath());
            return new EmbeddedStore(database, keys);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    @Override
    public CertificateStore certificates() {
        return certificates;
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public WebhookDeliveryStore webhookDeliveries() {
        // Stateless over the shared pool, so no field: keeps this addition to one method.
        return new JdbcWebhookDeliveryStore(database);
    }

    @Override
    public CaMaterialStore caMaterial() {
        return caMaterial;
    }

    @Override
    public RevocationStore revocations() {
        return revocations;
    }

    @Override
    public ApiTokenStore apiTokens() {
        return apiTokens;
    }

    @Override
    public AuditLog auditLog() {
        return auditLog;
    }

    @Override
    public ServerIdentityStore serverIdentities() {
        return serverIdentities;
    }

    @Override
    public int rewrap(Kek newKek) {
        Objects.requireNonNull(newKek, "newKek");
        int count = database.exclusive("rewrap", connection -> keys.rewrapAll(connection, newKek));
        keys.use(newKek);
        log.info("Re-wrapped {} data keys under a new key-encryption key", count);
        return count;
    }

    @Override
    public void close() {
        database.close();
    }
}
