package dev.terminus.controlplane.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads and appends rows of the append-only {@code events} table; nothing here updates or deletes. */
final class EventRows {

    private EventRows() {
    }

    /** Appends {@code event} on {@code connection} and returns it with its generated id. */
    static StoredEvent append(Connection connection, StoredEvent event) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO events (at, type, certificate_arn, detail) VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setLong(1, event.at().toEpochMilli());
            insert.setString(2, event.type());
            insert.setString(3, event.certificateArn());
            insert.setString(4, event.detail());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return new StoredEvent(keys.getLong(1), event.at(), event.type(), event.certificateArn(), event.detail());
            }
        }
    }

    /** Returns up to {@code limit} events after {@code afterId}, oldest first. */
    static List<StoredEvent> readAfter(Connection connection, long afterId, int limit) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, at, type, certificate_arn, detail FROM events WHERE id > ? ORDER BY id LIMIT ?")) {
            select.setLong(1, afterId);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(new StoredEvent(rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2)), rows.getString(3),
                            rows.getString(4), rows.getString(5)));
                }
            }
        }
        return events;
    }
}
