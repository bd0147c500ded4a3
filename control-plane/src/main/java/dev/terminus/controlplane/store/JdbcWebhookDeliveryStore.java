package dev.terminus.controlplane.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/** Implements {@link WebhookDeliveryStore} with plain JDBC on the {@code webhook_deliveries} table. */
final class JdbcWebhookDeliveryStore implements WebhookDeliveryStore {

    private static final String COLUMNS = "target_id, cursor_id, consecutive_failures, next_attempt_at, last_error";

    private final Database database;

    JdbcWebhookDeliveryStore(Database database) {
        this.database = database;
    }

    @Override
    public WebhookDeliveryState register(String targetId, boolean fromLatest, Instant now) {
        return database.inTransaction("register webhook target " + targetId, connection -> {
            Optional<WebhookDeliveryState> existing = find(connection, targetId);
            if (existing.isPresent()) {
                return existing.get();
            }
            long cursor = fromLatest ? newestEventId(connection) : 0;
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_deliveries (" + COLUMNS
                    + ", updated_at) VALUES (?, ?, 0, NULL, NULL, ?)")) {
                insert.setString(1, targetId);
                insert.setLong(2, cursor);
                insert.setLong(3, now.toEpochMilli());
                insert.executeUpdate();
            }
            return new WebhookDeliveryState(targetId, cursor, 0, null, null);
        });
    }

    @Override
    public Optional<WebhookDeliveryState> find(String targetId) {
        return database.read("find webhook target " + targetId, connection -> find(connection, targetId));
    }

    @Override
    public void save(WebhookDeliveryState state, Instant now) {
        database.inTransaction("save webhook target " + state.targetId(), connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries SET cursor_id = ?,"
                    + " consecutive_failures = ?, next_attempt_at = ?, last_error = ?, updated_at = ?"
                    + " WHERE target_id = ? AND cursor_id <= ?")) {
                update.setLong(1, state.cursorId());
                update.setInt(2, state.consecutiveFailures());
                if (state.nextAttemptAt() == null) {
                    update.setNull(3, Types.BIGINT);
                } else {
                    update.setLong(3, state.nextAttemptAt().toEpochMilli());
                }
                update.setString(4, truncate(state.lastError()));
                update.setLong(5, now.toEpochMilli());
                update.setString(6, state.targetId());
                update.setLong(7, state.cursorId());
                if (update.executeUpdate() == 1) {
                    return null;
                }
            }
            Optional<WebhookDeliveryState> stored = find(connection, state.targetId());
            if (stored.isEmpty()) {
                throw new StoreException(StoreException.Code.NOT_FOUND, "targetId: " + state.targetId()
                        + " (expected: a registered webhook target)");
            }
            throw new StoreException(StoreException.Code.CONFLICT, "cursorId: " + state.cursorId() + " of "
                    + state.targetId() + " (expected: >= " + stored.get().cursorId() + ", the stored cursor)");
        });
    }

    @Override
    public long eventsAfter(long cursorId) {
        return database.read("count events", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM events WHERE id > ?")) {
                select.setLong(1, cursorId);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    private static Optional<WebhookDeliveryState> find(Connection connection, String targetId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM webhook_deliveries WHERE target_id = ?")) {
            select.setString(1, targetId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                long next = rows.getLong(4);
                Instant nextAttemptAt = rows.wasNull() ? null : Instant.ofEpochMilli(next);
                return Optional.of(new WebhookDeliveryState(rows.getString(1), rows.getLong(2), rows.getInt(3),
                        nextAttemptAt, rows.getString(5)));
            }
        }
    }

    private static long newestEventId(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM events");
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    // The column holds 1000 characters; an error message is for people, so cutting it loses nothing needed.
    private static String truncate(String error) {
        return error == null || error.length() <= 1000 ? error : error.substring(0, 997) + "...";
    }
}
