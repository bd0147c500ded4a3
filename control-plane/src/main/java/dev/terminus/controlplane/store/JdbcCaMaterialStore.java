package dev.terminus.controlplane.store;

import dev.terminus.controlplane.ca.CaCredentials;
import dev.terminus.controlplane.ca.Pem;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Implements {@link CaMaterialStore}: certificates as PEM in {@code ca_credentials} (name
 * {@code root} or {@code subordinate:<region>}), keys sealed in {@code sealed_keys} under
 * {@code ca:<name>} through the same envelope as certificate keys.
 */
final class JdbcCaMaterialStore implements CaMaterialStore {

    private static final String ROOT = "root";
    private static final String SUBORDINATE = "subordinate:";

    private final Database database;
    private final SealedKeys keys;

    JdbcCaMaterialStore(Database database, SealedKeys keys) {
        this.database = database;
        this.keys = keys;
    }

    @Override
    public void saveRoot(CaCredentials root) {
        save(ROOT, null, root);
    }

    @Override
    public void saveSubordinate(String region, CaCredentials subordinate) {
        save(SUBORDINATE + region, region, subordinate);
    }

    @Override
    public Optional<CaMaterial> load() {
        return database.read("load CA material", connection -> {
            CaCredentials root = null;
            Map<String, CaCredentials> subordinates = new TreeMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT name, region, certificate_pem FROM ca_credentials");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String name = rows.getString(1);
                    X509Certificate certificate = Pem.readCertificates(rows.getString(3)).get(0);
                    CaCredentials credentials = new CaCredentials(certificate, keys.get(connection, "ca:" + name));
                    if (name.equals(ROOT)) {
                        root = credentials;
                    } else {
                        subordinates.put(rows.getString(2), credentials);
                    }
                }
            }
            return Optional.ofNullable(root).map(r -> new CaMaterial(r, subordinates));
        });
    }

    private void save(String name, String region, CaCredentials credentials) {
        database.inTransaction("save CA " + name, connection -> {
            if (exists(connection, name)) {
                throw new StoreException(StoreException.Code.CONFLICT, "ca: " + name + " (expected: a CA not yet stored)");
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO ca_credentials (name, region, certificate_pem) VALUES (?, ?, ?)")) {
                insert.setString(1, name);
                insert.setString(2, region);
                insert.setString(3, Pem.write(credentials.certificate()));
                insert.executeUpdate();
            }
            keys.put(connection, "ca:" + name, credentials.privateKey());
            return null;
        });
    }

    private static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM ca_credentials WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }
}
