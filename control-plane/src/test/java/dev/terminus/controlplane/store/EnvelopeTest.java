package dev.terminus.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Envelope encryption: round trip, fresh nonces and data keys, binding to the record id, wrong KEK, tampering, rewrap. */
class EnvelopeTest {

    private static final byte[] SECRET = "a private key, in spirit".getBytes(StandardCharsets.US_ASCII);
    private final Kek kek = Kek.generate();

    @Test
    void ok_sealOpensWithTheSameKekAndRecordId() {
        Envelope.Sealed sealed = Envelope.seal(kek, "record-1", SECRET);

        assertThat(Envelope.open(kek, "record-1", sealed)).isEqualTo(SECRET);
        assertThat(sealed.nonce()).hasSize(12);
        assertThat(sealed.wrappedKey()).hasSize(12 + 32 + 16);
        assertThat(sealed.ciphertext()).hasSize(SECRET.length + 16);
    }

    @Test
    void ok_everySealUsesAFreshNonceAndDataKey() {
        Envelope.Sealed a = Envelope.seal(kek, "r", SECRET);
        Envelope.Sealed b = Envelope.seal(kek, "r", SECRET);

        assertThat(a.nonce()).isNotEqualTo(b.nonce());
        assertThat(a.wrappedKey()).isNotEqualTo(b.wrappedKey());
        assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext());
    }

    @Test
    void fail_openWithAnotherKekOrRecordId() {
        Envelope.Sealed sealed = Envelope.seal(kek, "record-1", SECRET);

        assertThatThrownBy(() -> Envelope.open(Kek.generate(), "record-1", sealed))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo(StoreException.Code.WRONG_KEK));
        // The record id is AAD of both layers: a sealed value moved to another record does not open.
        assertThatThrownBy(() -> Envelope.open(kek, "record-2", sealed)).isInstanceOf(StoreException.class);
    }

    @Test
    void fail_tamperedCiphertextIsCorrupt() {
        Envelope.Sealed sealed = Envelope.seal(kek, "record-1", SECRET);
        sealed.ciphertext()[0] ^= 1;

        assertThatThrownBy(() -> Envelope.open(kek, "record-1", sealed)).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.code()).isEqualTo(StoreException.Code.CORRUPT);
            assertThat(e.getMessage()).isEqualTo("record: record-1 (expected: ciphertext that authenticates under its data key;"
                    + " it was altered)");
        });
    }

    @Test
    void fail_truncatedPartsAreCorruptNotACryptoCrash() {
        Envelope.Sealed sealed = Envelope.seal(kek, "r", SECRET);

        assertThatThrownBy(() -> Envelope.open(kek, "r", new Envelope.Sealed(new byte[18], sealed.nonce(), sealed.ciphertext())))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("record: r (expected: a wrapped data key of 60 bytes, found 18)"));
        assertThatThrownBy(() -> Envelope.open(kek, "r", new Envelope.Sealed(sealed.wrappedKey(), sealed.nonce(), new byte[3])))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo(StoreException.Code.CORRUPT));
    }

    @Test
    void ok_rewrapMovesTheDataKeyAndKeepsTheCiphertext() {
        Kek next = Kek.generate();
        Envelope.Sealed sealed = Envelope.seal(kek, "r", SECRET);

        Envelope.Sealed rewrapped = Envelope.rewrap(kek, next, "r", sealed);

        assertThat(rewrapped.ciphertext()).isEqualTo(sealed.ciphertext());
        assertThat(Envelope.open(next, "r", rewrapped)).isEqualTo(SECRET);
        assertThatThrownBy(() -> Envelope.open(kek, "r", rewrapped)).isInstanceOf(StoreException.class);
    }
}
