package dev.terminus.controlplane.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Implements {@link AuditLog} on the append-only {@code audit_log} table. */
final class JdbcAuditLog implements AuditLog {

    private final Database database;

    JdbcAuditLog(Database database) {
        this.database = database;
    }

    @Override
    public AuditEntry append(AuditEntry entry) {
        return database.inTransaction("append audit entry", connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_log "
                    + "(at, token_id, operation, target, result, http_status) VALUES (?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                insert.setLong(1, entry.at().toEpochMilli());
                insert.setString(2, entry.tokenId());
                insert.setString(3, entry.operation());
                if (entry.target() == null) {
                    insert.setNull(4, Types.VARCHAR);
                } else {
                    insert.setString(4, entry.target());
                }
                insert.setString(5, entry.result());
                insert.setInt(6, entry.httpStatus());
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    return new AuditEntry(keys.getLong(1), entry.at(), entry.tokenId(), entry.operation(), entry.target(),
                            entry.result(), entry.httpStatus());
                }
            }
        });
    }

    @Override
    public List<AuditEntry> readAfter(long afterId, int limit) {
        return database.read("read audit log", connection -> {
            List<AuditEntry> entries = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id, at, token_id, operation, target, result,"
                    + " http_status FROM audit_log WHERE id > ? ORDER BY id LIMIT ?")) {
                select.setLong(1, afterId);
                select.setInt(2, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        entries.add(new AuditEntry(rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2)), rows.getString(3),
                                rows.getString(4), rows.getString(5), rows.getString(6), rows.getInt(7)));
                    }
                }
            }
            return entries;
        });
    }
}
