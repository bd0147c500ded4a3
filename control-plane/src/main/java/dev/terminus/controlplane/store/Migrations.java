package dev.terminus.controlplane.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned SQL files under {@code db/migration/} in order, each once, recording
 * each in {@code schema_version}. The list is explicit rather than scanned, because class-path
 * directory listing does not work inside jars; add a file here and nowhere else.
 */
final class Migrations {

    /** The migrations, in order: version i + 1 is element i. */
    static final List<String> FILES = List.of("V1__initial_schema.sql", "V2__revocation.sql",
            "V3__api_tokens.sql", "V4__webhook_deliveries.sql");

    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** Brings the schema to the latest version; refuses a database newer than this code. */
    static void apply(Database database) {
        database.exclusive("migrate schema", connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INT PRIMARY KEY, description VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
            }
            int current = currentVersion(connection);
            if (current > FILES.size()) {
                throw new StoreException(StoreException.Code.DATABASE, "schema_version: " + current + " (expected: at most "
                        + FILES.size() + "; this data directory was written by a newer control plane)");
            }
            for (int version = current + 1; version <= FILES.size(); version++) {
                String file = FILES.get(version - 1);
                for (String sql : statements(read(file))) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute(sql);
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                    insert.setInt(1, version);
                    insert.setString(2, file);
                    insert.setLong(3, Instant.now().toEpochMilli());
                    insert.executeUpdate();
                }
                log.info("Applied schema migration {}", file);
            }
            return null;
        });
    }

    /** Returns the highest applied version, 0 for a new database. */
    static int currentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Splits a migration into statements at semicolons that end a line, dropping comment lines. */
    static List<String> statements(String script) {
        StringBuilder current = new StringBuilder();
        List<String> statements = new ArrayList<>();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("migration ends without a semicolon: " + current);
        }
        return statements;
    }

    private static String read(String file) {
        String resource = "/db/migration/" + file;
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                // A missing migration in our own jar is a packaging bug, not a runtime condition.
                throw new IllegalStateException("missing migration " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + resource, e);
        }
    }
}
