package dev.terminus.controlplane.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets with envelope encryption: a fresh random 256-bit data key per record encrypts the
 * secret with AES-256-GCM (random 96-bit nonce, the record id as AAD), and the KEK wraps the data
 * key with AES-256-GCM too (its own nonce, same AAD). Binding both layers to the record id means a
 * sealed value copied onto another record does not open. Stateless and thread-safe.
 */
final class Envelope {

    /** Holds one sealed secret: the wrapped data key (nonce, then ciphertext and tag), the nonce and the ciphertext. */
    record Sealed(byte[] wrappedKey, byte[] nonce, byte[] ciphertext) {
    }

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int WRAPPED_KEY_BYTES = NONCE_BYTES + Kek.BYTES + TAG_BITS / 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Envelope() {
    }

    /** Encrypts {@code plaintext} for {@code recordId} under a fresh data key wrapped by {@code kek}. */
    static Sealed seal(Kek kek, String recordId, byte[] plaintext) {
        byte[] dataKey = new byte[Kek.BYTES];
        RANDOM.nextBytes(dataKey);
        try {
            byte[] nonce = nonce();
            byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), nonce, recordId, plaintext);
            return new Sealed(wrap(kek, recordId, dataKey), nonce, ciphertext);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Decrypts {@code sealed}; refuses with {@code WRONG_KEK} when {@code kek} did not wrap it, {@code CORRUPT} when altered. */
    static byte[] open(Kek kek, String recordId, Sealed sealed) {
        if (sealed.nonce() == null || sealed.nonce().length != NONCE_BYTES || sealed.ciphertext() == null
                || sealed.ciphertext().length < TAG_BITS / 8) {
            throw new StoreException(StoreException.Code.CORRUPT, "record: " + recordId
                    + " (expected: a " + NONCE_BYTES + "-byte nonce and a ciphertext of at least " + TAG_BITS / 8 + " bytes)");
        }
        byte[] dataKey = unwrap(kek, recordId, sealed.wrappedKey());
        try {
            return gcm(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), sealed.nonce(), recordId, sealed.ciphertext());
        } catch (StoreException e) {
            throw new StoreException(StoreException.Code.CORRUPT, "record: " + recordId
                    + " (expected: ciphertext that authenticates under its data key; it was altered)", e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Returns {@code sealed} with its data key re-wrapped from {@code from} to {@code to}; the ciphertext is untouched. */
    static Sealed rewrap(Kek from, Kek to, String recordId, Sealed sealed) {
        byte[] dataKey = unwrap(from, recordId, sealed.wrappedKey());
        try {
            return new Sealed(wrap(to, recordId, dataKey), sealed.nonce(), sealed.ciphertext());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private static byte[] wrap(Kek kek, String recordId, byte[] dataKey) {
        byte[] nonce = nonce();
        byte[] wrapped = gcm(Cipher.ENCRYPT_MODE, kek.secretKey(), nonce, recordId, dataKey);
        return ByteBuffer.allocate(nonce.length + wrapped.length).put(nonce).put(wrapped).array();
    }

    private static byte[] unwrap(Kek kek, String recordId, byte[] wrappedKey) {
        if (wrappedKey == null || wrappedKey.length != WRAPPED_KEY_BYTES) {
            // Checked up front: the JDK's GCM throws a ProviderException, not a tag failure, on input shorter than a tag.
            throw new StoreException(StoreException.Code.CORRUPT, "record: " + recordId + " (expected: a wrapped data key of "
                    + WRAPPED_KEY_BYTES + " bytes, found " + (wrappedKey == null ? 0 : wrappedKey.length) + ")");
        }
        byte[] nonce = Arrays.copyOf(wrappedKey, NONCE_BYTES);
        byte[] wrapped = Arrays.copyOfRange(wrappedKey, NONCE_BYTES, wrappedKey.length);
        try {
            return gcm(Cipher.DECRYPT_MODE, kek.secretKey(), nonce, recordId, wrapped);
        } catch (StoreException e) {
            throw new StoreException(StoreException.Code.WRONG_KEK, "kek: does not unwrap the data key of " + recordId
                    + " (expected: the key-encryption key this data directory was written with; after a rewrap, the new one)", e);
        }
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    private static byte[] gcm(int mode, SecretKey key, byte[] nonce, String recordId, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(recordId.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            // Callers turn this into WRONG_KEK or CORRUPT, depending on the layer that failed.
            throw new StoreException(StoreException.Code.CORRUPT, "record: " + recordId + " (expected: an authentic ciphertext)", e);
        } catch (GeneralSecurityException e) {
            // The JDK always has AES-GCM: failing here is a broken runtime, not bad data.
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}
