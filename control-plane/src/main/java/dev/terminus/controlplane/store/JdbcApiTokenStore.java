package dev.terminus.controlplane.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Implements {@link ApiTokenStore} on the {@code api_tokens} table. */
final class JdbcApiTokenStore implements ApiTokenStore {

    private static final String COLUMNS = "id, token_hash, role, description, created_at, created_by";

    private final Database database;

    JdbcApiTokenStore(Database database) {
        this.database = database;
    }

    @Override
    public void insert(TokenRecord token) {
        database.inTransaction("insert token", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM api_tokens WHERE id = ? OR token_hash = ?")) {
                select.setString(1, token.id());
                select.setString(2, token.tokenHash());
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        throw new StoreException(StoreException.Code.CONFLICT, "token: " + token.id()
                                + " (expected: a new token id and secret)");
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO api_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, token.id());
                insert.setString(2, token.tokenHash());
                insert.setString(3, token.role());
                insert.setString(4, token.description());
                insert.setLong(5, token.createdAt().toEpochMilli());
                insert.setString(6, token.createdBy());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<TokenRecord> findByHash(String tokenHash) {
        return database.read("find token", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = ?")) {
                select.setString(1, tokenHash);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(row(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<TokenRecord> list() {
        return database.read("list tokens", connection -> {
            List<TokenRecord> tokens = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at, id");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tokens.add(row(rows));
                }
            }
            return tokens;
        });
    }

    @Override
    public void delete(String id) {
        database.inTransaction("delete token", connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM api_tokens WHERE id = ?")) {
                delete.setString(1, id);
                if (delete.executeUpdate() == 0) {
                    throw new StoreException(StoreException.Code.NOT_FOUND, "token: " + id + " (expected: an existing token id)");
                }
            }
            return null;
        });
    }

    @Override
    public int count() {
        return database.read("count tokens", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM api_tokens");
                    ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    private static TokenRecord row(ResultSet rows) throws SQLException {
        return new TokenRecord(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                Instant.ofEpochMilli(rows.getLong(5)), rows.getString(6));
    }
}
