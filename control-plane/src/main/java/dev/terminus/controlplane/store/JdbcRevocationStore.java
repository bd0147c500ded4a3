package dev.terminus.controlplane.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Implements {@link RevocationStore} with plain JDBC on the {@code revocations} and {@code crls} tables. */
final class JdbcRevocationStore implements RevocationStore {

    private static final String COLUMNS = "region, serial, certificate_arn, revoked_at, reason, not_after";

    private final Database database;

    JdbcRevocationStore(Database database) {
        this.database = database;
    }

    @Override
    public CertificateRecord revoke(CertificateRecord record, Revocation revocation, StoredEvent event) {
        return database.inTransaction("revoke " + record.arn(), connection -> {
            JdbcCertificateStore.updateRow(connection, record);
            if (find(connection, revocation.region(), revocation.serial()).isPresent()) {
                throw new StoreException(StoreException.Code.CONFLICT, "serial: " + revocation.serial() + " of "
                        + revocation.region() + " (expected: a serial not yet revoked)");
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO revocations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, revocation.region());
                insert.setString(2, revocation.serial());
                insert.setString(3, revocation.certificateArn());
                insert.setLong(4, revocation.revokedAt().toEpochMilli());
                insert.setString(5, revocation.reason());
                insert.setLong(6, revocation.notAfter().toEpochMilli());
                insert.executeUpdate();
            }
            if (event != null) {
                EventRows.append(connection, event);
            }
            return JdbcCertificateStore.find(connection, record.arn()).orElseThrow();
        });
    }

    @Override
    public Optional<Revocation> find(String region, String serial) {
        return database.read("find revocation", connection -> find(connection, region, serial));
    }

    @Override
    public Optional<Revocation> findByArn(String certificateArn) {
        return database.read("find revocation of " + certificateArn, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM revocations WHERE certificate_arn = ? ORDER BY revoked_at DESC LIMIT 1")) {
                select.setString(1, certificateArn);
                return first(select);
            }
        });
    }

    @Override
    public List<Revocation> unexpired(String region, Instant at) {
        return database.read("list revocations of " + region, connection -> {
            List<Revocation> revocations = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM revocations WHERE region = ? AND not_after > ? ORDER BY serial")) {
                select.setString(1, region);
                select.setLong(2, at.toEpochMilli());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        revocations.add(read(rows));
                    }
                }
            }
            return revocations;
        });
    }

    @Override
    public long count(String region) {
        return database.read("count revocations of " + region, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM revocations WHERE region = ?")) {
                select.setString(1, region);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    @Override
    public Optional<Crl> crl(String region) {
        return database.read("read CRL of " + region, connection -> crl(connection, region));
    }

    @Override
    public void saveCrl(Crl crl) {
        database.inTransaction("save CRL of " + crl.region(), connection -> {
            long stored = crl(connection, crl.region()).map(Crl::crlNumber).orElse(0L);
            if (crl.crlNumber() != stored + 1) {
                throw new StoreException(StoreException.Code.CONFLICT, "crlNumber: " + crl.crlNumber() + " of "
                        + crl.region() + " (expected: " + (stored + 1) + ", one more than the stored CRL's)");
            }
            String sql = stored == 0
                    ? "INSERT INTO crls (crl_number, this_update, next_update, revocation_count, der, region) VALUES (?, ?, ?, ?, ?, ?)"
                    : "UPDATE crls SET crl_number = ?, this_update = ?, next_update = ?, revocation_count = ?, der = ? WHERE region = ?";
            try (PreparedStatement write = connection.prepareStatement(sql)) {
                write.setLong(1, crl.crlNumber());
                write.setLong(2, crl.thisUpdate().toEpochMilli());
                write.setLong(3, crl.nextUpdate().toEpochMilli());
                write.setLong(4, crl.revocationCount());
                write.setBytes(5, crl.der());
                write.setString(6, crl.region());
                write.executeUpdate();
            }
            return null;
        });
    }

    private static Optional<Crl> crl(Connection connection, String region) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT crl_number, this_update, next_update, revocation_count, der FROM crls WHERE region = ?")) {
            select.setString(1, region);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Crl(region, rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2)),
                        Instant.ofEpochMilli(rows.getLong(3)), rows.getLong(4), rows.getBytes(5)));
            }
        }
    }

    private static Optional<Revocation> find(Connection connection, String region, String serial) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM revocations WHERE region = ? AND serial = ?")) {
            select.setString(1, region);
            select.setString(2, serial);
            return first(select);
        }
    }

    private static Optional<Revocation> first(PreparedStatement select) throws SQLException {
        try (ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(read(rows)) : Optional.empty();
        }
    }

    private static Revocation read(ResultSet rows) throws SQLException {
        return new Revocation(rows.getString("region"), rows.getString("serial"), rows.getString("certificate_arn"),
                Instant.ofEpochMilli(rows.getLong("revoked_at")), rows.getString("reason"),
                Instant.ofEpochMilli(rows.getLong("not_after")));
    }
}
