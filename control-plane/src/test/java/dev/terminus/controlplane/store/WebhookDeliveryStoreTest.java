package dev.terminus.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook cursors: where a new target starts, that registering again keeps a cursor, and that cursors only move forward. */
class WebhookDeliveryStoreTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void ok_registerStartsAtZeroOrTheNewestEventAndKeepsAnExistingCursor() {
        try (Store store = Store.openEmbedded(dir, Kek.generate())) {
            WebhookDeliveryStore deliveries = store.webhookDeliveries();
            store.events().append(StoredEvent.draft(NOW, "T", null, "one"));
            long newest = store.events().append(StoredEvent.draft(NOW, "T", null, "two")).id();

            assertThat(deliveries.register("all", false, NOW).cursorId()).isZero();
            assertThat(deliveries.register("new", true, NOW).cursorId()).isEqualTo(newest);
            deliveries.save(new WebhookDeliveryState("all", 1, 0, null, null).failed("HTTP 500", NOW.plusSeconds(5)), NOW);

            assertThat(deliveries.register("all", true, NOW))
                    .isEqualTo(new WebhookDeliveryState("all", 1, 1, NOW.plusSeconds(5), "HTTP 500"));
            assertThat(deliveries.eventsAfter(1)).isEqualTo(1);
        }
    }

    @Test
    void fail_cursorMovesOnlyForwardAndOnlyForRegisteredTargets() {
        try (Store store = Store.openEmbedded(dir, Kek.generate())) {
            WebhookDeliveryStore deliveries = store.webhookDeliveries();
            deliveries.register("a", false, NOW);
            deliveries.save(new WebhookDeliveryState("a", 5, 0, null, null), NOW);

            assertThatThrownBy(() -> deliveries.save(new WebhookDeliveryState("a", 4, 0, null, null), NOW))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo(StoreException.Code.CONFLICT))
                    .hasMessage("cursorId: 4 of a (expected: >= 5, the stored cursor)");
            assertThatThrownBy(() -> deliveries.save(new WebhookDeliveryState("b", 1, 0, null, null), NOW))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_FOUND));
            assertThat(deliveries.find("a").orElseThrow().cursorId()).isEqualTo(5);
        }
    }
}
