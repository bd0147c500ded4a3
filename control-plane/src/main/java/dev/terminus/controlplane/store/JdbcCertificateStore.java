package dev.terminus.controlplane.store;

import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Implements {@link CertificateStore} with plain JDBC; private keys go through {@link SealedKeys}. */
final class JdbcCertificateStore implements CertificateStore {

    private final Database database;
    private final SealedKeys keys;

    JdbcCertificateStore(Database database, SealedKeys keys) {
        this.database = database;
        this.keys = keys;
    }

    @Override
    public void insert(CertificateRecord record, PrivateKey key, Map<String, String> tags, StoredEvent event) {
        database.inTransaction("insert certificate " + record.arn(), connection -> {
            if (exists(connection, record.arn())) {
                throw new StoreException(StoreException.Code.CONFLICT, "arn: " + record.arn() + " (expected: a new ARN)");
            }
            try (PreparedStatement insert = connection.prepareStatement(CertificateRows.INSERT)) {
                CertificateRows.bind(insert, record, 1);
                insert.executeUpdate();
            }
            keys.put(connection, record.arn(), key);
            writeTags(connection, record.arn(), tags);
            EventRows.append(connection, event);
            return null;
        });
    }

    @Override
    public CertificateRecord update(CertificateRecord record, PrivateKey key, StoredEvent event) {
        return database.inTransaction("update certificate " + record.arn(), connection -> {
            updateRow(connection, record);
            if (key != null) {
                keys.put(connection, record.arn(), key);
            }
            if (event != null) {
                EventRows.append(connection, event);
            }
            return find(connection, record.arn()).orElseThrow();
        });
    }

    /** Writes {@code record} over the row with its ARN and version, bumping the version; refuses as {@link #update} does. */
    static void updateRow(Connection connection, CertificateRecord record) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(CertificateRows.UPDATE)) {
            CertificateRows.bind(update, record, record.version() + 1);
            update.setString(26, record.arn());
            update.setLong(27, record.version());
            if (update.executeUpdate() == 0) {
                throw exists(connection, record.arn())
                        ? new StoreException(StoreException.Code.CONFLICT, "version: " + record.version() + " of "
                                + record.arn() + " (expected: the current version; it changed since it was read)")
                        : notFound(record.arn());
            }
        }
    }

    @Override
    public Optional<CertificateRecord> find(String arn) {
        return database.read("find certificate " + arn, connection -> find(connection, arn));
    }

    @Override
    public List<CertificateRecord> list(CertificateQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + CertificateRows.COLUMNS + " FROM certificates WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (query.region() != null) {
            sql.append(" AND region = ?");
            parameters.add(query.region());
        }
        in(sql, parameters, "status", query.statuses());
        in(sql, parameters, "type", query.types());
        in(sql, parameters, "key_algorithm", query.keyAlgorithms().stream().map(Enum::name).toList());
        if (query.notAfterBefore() != null) {
            sql.append(" AND not_after <= ?");
            parameters.add(query.notAfterBefore().toEpochMilli());
        }
        if (query.afterArn() != null) {
            sql.append(" AND arn > ?");
            parameters.add(query.afterArn());
        }
        sql.append(" ORDER BY arn LIMIT ?");
        parameters.add(query.limit());
        return database.read("list certificates", connection -> {
            List<CertificateRecord> records = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    select.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        records.add(CertificateRows.read(rows));
                    }
                }
            }
            return records;
        });
    }

    @Override
    public PrivateKey privateKey(String arn) {
        return database.read("read private key of " + arn, connection -> keys.get(connection, arn));
    }

    @Override
    public void delete(String arn, StoredEvent event) {
        database.inTransaction("delete certificate " + arn, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM certificates WHERE arn = ?")) {
                delete.setString(1, arn);
                if (delete.executeUpdate() == 0) {
                    throw notFound(arn);
                }
            }
            keys.delete(connection, arn);
            EventRows.append(connection, event);
            return null;
        });
    }

    @Override
    public SortedMap<String, String> tags(String arn) {
        return database.read("read tags of " + arn, connection -> {
            SortedMap<String, String> tags = new TreeMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT tag_key, tag_value FROM certificate_tags WHERE arn = ?")) {
                select.setString(1, arn);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        tags.put(rows.getString(1), rows.getString(2));
                    }
                }
            }
            return tags;
        });
    }

    @Override
    public void putTags(String arn, Map<String, String> tags) {
        database.inTransaction("tag " + arn, connection -> {
            if (!exists(connection, arn)) {
                throw notFound(arn);
            }
            removeTags(connection, arn, tags.keySet());
            writeTags(connection, arn, tags);
            return null;
        });
    }

    @Override
    public void removeTags(String arn, Collection<String> tagKeys) {
        database.inTransaction("untag " + arn, connection -> {
            if (!exists(connection, arn)) {
                throw notFound(arn);
            }
            removeTags(connection, arn, tagKeys);
            return null;
        });
    }

    private static void removeTags(Connection connection, String arn, Collection<String> tagKeys) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM certificate_tags WHERE arn = ? AND tag_key = ?")) {
            for (String key : tagKeys) {
                delete.setString(1, arn);
                delete.setString(2, key);
                delete.executeUpdate();
            }
        }
    }

    private static void writeTags(Connection connection, String arn, Map<String, String> tags) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO certificate_tags (arn, tag_key, tag_value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                insert.setString(1, arn);
                insert.setString(2, tag.getKey());
                insert.setString(3, tag.getValue());
                insert.executeUpdate();
            }
        }
    }

    static Optional<CertificateRecord> find(Connection connection, String arn) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + CertificateRows.COLUMNS + " FROM certificates WHERE arn = ?")) {
            select.setString(1, arn);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(CertificateRows.read(rows)) : Optional.empty();
            }
        }
    }

    private static boolean exists(Connection connection, String arn) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM certificates WHERE arn = ?")) {
            select.setString(1, arn);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void in(StringBuilder sql, List<Object> parameters, String column, Collection<String> values) {
        if (!values.isEmpty()) {
            sql.append(" AND ").append(column).append(" IN (").append("?, ".repeat(values.size() - 1)).append("?)");
            parameters.addAll(values.stream().sorted().toList());
        }
    }

    private static StoreException notFound(String arn) {
        return new StoreException(StoreException.Code.NOT_FOUND, "arn: " + arn + " (expected: an existing certificate)");
    }
}
