package dev.terminus.controlplane.store;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/** Maps {@link CertificateRecord} to and from rows of the {@code certificates} table. */
final class CertificateRows {

    /** The columns, in the order {@link #bind} sets them; {@code version} is last. */
    static final String COLUMNS = "arn, region, type, status, domain_name, subject_alternative_names, serial, subject,"
            + " issuer, not_before, not_after, key_algorithm, certificate_pem, chain_pem, validity, created_at, issued_at,"
            + " imported_at, renewal_status, renewal_reason, renewal_updated_at, renewal_attempts, next_renewal_at,"
            + " expiry_notice_days, version";
    static final String INSERT = "INSERT INTO certificates (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String UPDATE = "UPDATE certificates SET arn = ?, region = ?, type = ?, status = ?, domain_name = ?,"
            + " subject_alternative_names = ?, serial = ?, subject = ?, issuer = ?, not_before = ?, not_after = ?,"
            + " key_algorithm = ?, certificate_pem = ?, chain_pem = ?, validity = ?, created_at = ?, issued_at = ?,"
            + " imported_at = ?, renewal_status = ?, renewal_reason = ?, renewal_updated_at = ?, renewal_attempts = ?,"
            + " next_renewal_at = ?, expiry_notice_days = ?, version = ? WHERE arn = ? AND version = ?";

    private CertificateRows() {
    }

    /** Sets parameters 1–25 from {@code record}, with {@code version} as the 25th. */
    static void bind(PreparedStatement statement, CertificateRecord record, long version) throws SQLException {
        int i = 1;
        statement.setString(i++, record.arn());
        statement.setString(i++, record.region());
        statement.setString(i++, record.type());
        statement.setString(i++, record.status());
        statement.setString(i++, record.domainName());
        statement.setString(i++, String.join("\n", record.subjectAlternativeNames()));
        statement.setString(i++, record.serial());
        statement.setString(i++, record.subject());
        statement.setString(i++, record.issuer());
        statement.setLong(i++, record.notBefore().toEpochMilli());
        statement.setLong(i++, record.notAfter().toEpochMilli());
        statement.setString(i++, record.keyAlgorithm().name());
        statement.setString(i++, record.certificatePem());
        statement.setString(i++, record.chainPem());
        statement.setString(i++, record.validity());
        statement.setLong(i++, record.createdAt().toEpochMilli());
        setInstant(statement, i++, record.issuedAt());
        setInstant(statement, i++, record.importedAt());
        CertificateRecord.Renewal renewal = record.renewal();
        statement.setString(i++, renewal.status());
        statement.setString(i++, renewal.reason());
        setInstant(statement, i++, renewal.updatedAt());
        statement.setInt(i++, renewal.attempts());
        setInstant(statement, i++, renewal.nextAttemptAt());
        if (record.expiryNoticeDays() == null) {
            statement.setNull(i++, Types.INTEGER);
        } else {
            statement.setInt(i++, record.expiryNoticeDays());
        }
        statement.setLong(i, version);
    }

    /** Reads the current row of {@code rows}, selected with {@link #COLUMNS}. */
    static CertificateRecord read(ResultSet rows) throws SQLException {
        String sans = rows.getString("subject_alternative_names");
        CertificateRecord.Renewal renewal = new CertificateRecord.Renewal(rows.getString("renewal_status"),
                rows.getString("renewal_reason"), instant(rows, "renewal_updated_at"), rows.getInt("renewal_attempts"),
                instant(rows, "next_renewal_at"));
        int notice = rows.getInt("expiry_notice_days");
        Integer expiryNoticeDays = rows.wasNull() ? null : notice;
        return new CertificateRecord(rows.getString("arn"), rows.getString("region"), rows.getString("type"),
                rows.getString("status"), rows.getString("domain_name"), sans.isEmpty() ? List.of() : List.of(sans.split("\n")),
                rows.getString("serial"), rows.getString("subject"), rows.getString("issuer"),
                instant(rows, "not_before"), instant(rows, "not_after"), KeyAlgorithm.valueOf(rows.getString("key_algorithm")),
                rows.getString("certificate_pem"), rows.getString("chain_pem"), rows.getString("validity"),
                instant(rows, "created_at"), instant(rows, "issued_at"), instant(rows, "imported_at"), renewal,
                expiryNoticeDays, rows.getLong("version"));
    }

    private static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, instant.toEpochMilli());
        }
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
