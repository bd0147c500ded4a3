package dev.terminus.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store: migrations, optimistic concurrency, queries, the event cursor and an atomic rewrap. */
class EmbeddedStoreTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final Kek kek = Kek.generate();

    @Test
    void ok_migrationsAreRecordedAndAppliedOnce() throws Exception {
        Store.openEmbedded(dir, kek).close();
        Store.openEmbedded(dir, kek).close();

        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version, description FROM schema_version ORDER BY version")) {
            // One row per file of Migrations.FILES, in order, whatever other branches append.
            for (int i = 0; i < Migrations.FILES.size(); i++) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(i + 1);
                assertThat(rows.getString(2)).isEqualTo(Migrations.FILES.get(i));
            }
            assertThat(Migrations.FILES.get(0)).isEqualTo("V1__initial_schema.sql");
            assertThat(rows.next()).isFalse();
        }
    }

    @Test
    void ok_migrationScriptsSplitIntoStatements() {
        assertThat(Migrations.statements("-- comment\nCREATE TABLE a (x INT);\n\nCREATE INDEX i\n ON a (x);\n"))
                .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i\n ON a (x)");
    }

    @Test
    void ok_updateBumpsTheVersionAndAStaleVersionConflicts() throws Exception {
        try (Store store = Store.openEmbedded(dir, kek)) {
            CertificateRecord record = record("arn:1", NOW.plusSeconds(100));
            store.certificates().insert(record, ecKey().getPrivate(), Map.of("a", "1"), StoredEvent.draft(NOW, "T", "arn:1", "in"));

            CertificateRecord updated = store.certificates().update(record.withStatus("EXPIRED"), null, null);

            assertThat(updated.version()).isEqualTo(2);
            assertThat(updated.status()).isEqualTo("EXPIRED");
            assertThatThrownBy(() -> store.certificates().update(record.withStatus("REVOKED"), null, null))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo(StoreException.Code.CONFLICT));
            assertThatThrownBy(() -> store.certificates().insert(record, ecKey().getPrivate(), Map.of(),
                    StoredEvent.draft(NOW, "T", "arn:1", "again")))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo(StoreException.Code.CONFLICT));
            assertThat(store.events().readAfter(0, 10)).extracting(StoredEvent::detail).containsExactly("in");
        }
    }

    @Test
    void ok_queryFiltersAndPages() {
        try (Store store = Store.openEmbedded(dir, kek)) {
            for (int i = 1; i <= 3; i++) {
                store.certificates().insert(record("arn:" + i, NOW.plusSeconds(i * 100)), ecKey().getPrivate(), Map.of(),
                        StoredEvent.draft(NOW, "T", "arn:" + i, "in"));
            }
            CertificateQuery soon = new CertificateQuery(null, Set.of("ISSUED"), Set.of("PRIVATE"), Set.of(KeyAlgorithm.EC_prime256v1),
                    NOW.plusSeconds(200), null, 10);

            assertThat(store.certificates().list(soon)).extracting(CertificateRecord::arn).containsExactly("arn:1", "arn:2");
            assertThat(store.certificates().list(new CertificateQuery(null, null, null, null, null, "arn:1", 1)))
                    .extracting(CertificateRecord::arn).containsExactly("arn:2");
            assertThat(store.certificates().list(new CertificateQuery("eu-west-1", null, null, null, null, null, 10))).isEmpty();
            assertThat(store.events().readAfter(1, 1)).extracting(StoredEvent::certificateArn).containsExactly("arn:2");
        }
    }

    @Test
    void fail_rewrapThatFailsHalfwayChangesNothing() throws Exception {
        KeyPair good = ecKey();
        try (Store store = Store.openEmbedded(dir, kek)) {
            store.certificates().insert(record("arn:1", NOW), good.getPrivate(), Map.of(), StoredEvent.draft(NOW, "T", "arn:1", "in"));
            store.certificates().insert(record("arn:2", NOW), ecKey().getPrivate(), Map.of(), StoredEvent.draft(NOW, "T", "arn:2", "in"));
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                // Break the last record's wrapped key: the rewrap fails after re-wrapping the first rows.
                statement.executeUpdate("UPDATE sealed_keys SET wrapped_key = X'00112233445566778899AABBCCDDEEFF0011' WHERE record_id = 'arn:2'");
            }

            assertThatThrownBy(() -> store.rewrap(Kek.generate())).isInstanceOf(StoreException.class);

            assertThat(store.certificates().privateKey("arn:1").getEncoded()).isEqualTo(good.getPrivate().getEncoded());
        }
        Store.openEmbedded(dir, kek).close();
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("terminus") + ";DB_CLOSE_ON_EXIT=FALSE",
                "terminus", "");
    }

    private static CertificateRecord record(String arn, Instant notAfter) {
        return new CertificateRecord(arn, "us-east-1", "PRIVATE", "ISSUED", "a.example.com", List.of("a.example.com"), "01",
                "CN=a.example.com", "CN=CA", NOW.minusSeconds(60), notAfter, KeyAlgorithm.EC_prime256v1, "cert", "chain",
                "P395D", NOW, NOW, null, CertificateRecord.Renewal.NONE, null, 1);
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
