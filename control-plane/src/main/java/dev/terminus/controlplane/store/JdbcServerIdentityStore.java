package dev.terminus.controlplane.store;

import dev.terminus.controlplane.ca.Pem;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/** Implements {@link ServerIdentityStore}: PEM in {@code server_identities}, the key sealed under {@code server:<name>}. */
final class JdbcServerIdentityStore implements ServerIdentityStore {

    private final Database database;
    private final SealedKeys keys;

    JdbcServerIdentityStore(Database database, SealedKeys keys) {
        this.database = database;
        this.keys = keys;
    }

    @Override
    public Optional<ServerIdentity> load(String name) {
        return database.read("load server identity " + name, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT certificate_pem, chain_pem FROM server_identities WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new ServerIdentity(Pem.readCertificates(rows.getString(1)).get(0),
                            Pem.readCertificates(rows.getString(2)), keys.get(connection, "server:" + name)));
                }
            }
        });
    }

    @Override
    public void save(String name, ServerIdentity identity) {
        database.inTransaction("save server identity " + name, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM server_identities WHERE name = ?")) {
                delete.setString(1, name);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO server_identities (name, certificate_pem, chain_pem, created_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, name);
                insert.setString(2, Pem.write(identity.certificate()));
                insert.setString(3, Pem.write(identity.chain()));
                insert.setLong(4, Instant.now().toEpochMilli());
                insert.executeUpdate();
            }
            keys.put(connection, "server:" + name, identity.privateKey());
            return null;
        });
    }
}
