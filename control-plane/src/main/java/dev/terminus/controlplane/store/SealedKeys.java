package dev.terminus.controlplane.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads and writes the {@code sealed_keys} table: private keys as PKCS#8 DER sealed by
 * {@link Envelope} under the current KEK, keyed by record id (the certificate ARN, or
 * {@code ca:...} for CA keys). Holds the current KEK; callers supply the connection and transaction.
 */
final class SealedKeys {

    /** A sealed known value: opening it on start proves the KEK is the one this store was written with. */
    static final String KEK_CHECK_ID = "store:kek-check";
    private static final byte[] KEK_CHECK = "terminus kek check v1".getBytes(StandardCharsets.US_ASCII);

    private final AtomicReference<Kek> kek;

    SealedKeys(Kek kek) {
        this.kek = new AtomicReference<>(kek);
    }

    /** Seals the key check on a new store, or opens it on an existing one; refuses a wrong KEK. */
    void checkKek(Connection connection) throws SQLException {
        Envelope.Sealed sealed = find(connection, KEK_CHECK_ID);
        if (sealed == null) {
            insert(connection, KEK_CHECK_ID, Envelope.seal(kek.get(), KEK_CHECK_ID, KEK_CHECK));
            return;
        }
        if (!Arrays.equals(Envelope.open(kek.get(), KEK_CHECK_ID, sealed), KEK_CHECK)) {
            throw new StoreException(StoreException.Code.CORRUPT, KEK_CHECK_ID + ": unexpected value (expected: the key check)");
        }
    }

    /** Seals {@code key} for {@code recordId}, replacing any previous key of that record. */
    void put(Connection connection, String recordId, PrivateKey key) throws SQLException {
        byte[] der = key.getEncoded();
        try {
            Envelope.Sealed sealed = Envelope.seal(kek.get(), recordId, der);
            delete(connection, recordId);
            insert(connection, recordId, sealed);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** Opens the key of {@code recordId}; refuses a missing one with {@code NOT_FOUND}. */
    PrivateKey get(Connection connection, String recordId) throws SQLException {
        Envelope.Sealed sealed = find(connection, recordId);
        if (sealed == null) {
            throw new StoreException(StoreException.Code.NOT_FOUND, "record: " + recordId + " (expected: a record with a private key)");
        }
        byte[] der = Envelope.open(kek.get(), recordId, sealed);
        try {
            return new JcaPEMKeyConverter().getPrivateKey(PrivateKeyInfo.getInstance(der));
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreException(StoreException.Code.CORRUPT, "record: " + recordId + " (expected: a PKCS#8 private key)", e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** Deletes the key of {@code recordId}, if any. */
    void delete(Connection connection, String recordId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sealed_keys WHERE record_id = ?")) {
            delete.setString(1, recordId);
            delete.executeUpdate();
        }
    }

    /** Re-wraps every row's data key under {@code newKek}, then makes it current; returns the row count. */
    int rewrapAll(Connection connection, Kek newKek) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT record_id FROM sealed_keys ORDER BY record_id");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        Kek old = kek.get();
        try (PreparedStatement update = connection.prepareStatement("UPDATE sealed_keys SET wrapped_key = ? WHERE record_id = ?")) {
            for (String id : ids) {
                Envelope.Sealed rewrapped = Envelope.rewrap(old, newKek, id, find(connection, id));
                update.setBytes(1, rewrapped.wrappedKey());
                update.setString(2, id);
                update.executeUpdate();
            }
        }
        return ids.size();
    }

    /** Makes {@code newKek} current, once the rewrap transaction committed. */
    void use(Kek newKek) {
        kek.set(newKek);
    }

    private static Envelope.Sealed find(Connection connection, String recordId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT wrapped_key, nonce, ciphertext FROM sealed_keys WHERE record_id = ?")) {
            select.setString(1, recordId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? new Envelope.Sealed(rows.getBytes(1), rows.getBytes(2), rows.getBytes(3)) : null;
            }
        }
    }

    private static void insert(Connection connection, String recordId, Envelope.Sealed sealed) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO sealed_keys (record_id, wrapped_key, nonce, ciphertext) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, recordId);
            insert.setBytes(2, sealed.wrappedKey());
            insert.setBytes(3, sealed.nonce());
            insert.setBytes(4, sealed.ciphertext());
            insert.executeUpdate();
        }
    }
}
