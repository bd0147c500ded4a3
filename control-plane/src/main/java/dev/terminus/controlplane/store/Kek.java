package dev.terminus.controlplane.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the 256-bit key-encryption key (KEK) that wraps every record's data key. It comes from
 * the {@link #ENVIRONMENT_VARIABLE} environment variable or from a file, both holding the key in
 * base64; never both, so that nobody wonders which one won. {@link #toString()} never shows it.
 */
public final class Kek {

    /** The environment variable holding the base64 KEK. */
    public static final String ENVIRONMENT_VARIABLE = "TERMINUS_KEK";
    static final int BYTES = 32;

    private static final Logger log = LoggerFactory.getLogger(Kek.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private Kek(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, "AES");
    }

    /** Returns a fresh random KEK, e.g. for a first start or a rotation. */
    public static Kek generate() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return new Kek(bytes);
    }

    /** Decodes a base64 KEK of exactly 256 bits; {@code field} names the source in the refusal. */
    public static Kek fromBase64(String field, String base64) {
        if (base64 == null || base64.isBlank()) {
            throw invalid(field, "empty", "a base64 256-bit key, e.g. from: openssl rand -base64 32");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw invalid(field, "not base64", "a base64 256-bit key, e.g. from: openssl rand -base64 32");
        }
        if (bytes.length != BYTES) {
            int length = bytes.length;
            Arrays.fill(bytes, (byte) 0);
            throw invalid(field, length + " bytes", BYTES + " bytes (256 bits), e.g. from: openssl rand -base64 32");
        }
        return new Kek(bytes);
    }

    /** Reads a base64 KEK from {@code file}; warns when group or others may read it. */
    public static Kek fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw invalid("kekFile", file.toString(), "a readable file holding a base64 256-bit key (" + e + ")");
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                log.warn("kekFile: {} is readable by group or others (expected: mode 0600)", file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        return fromBase64("kekFile " + file, text);
    }

    /**
     * Returns the KEK from {@code file} when it is set, else from {@code environment}'s
     * {@link #ENVIRONMENT_VARIABLE}; refuses when both or neither are set.
     */
    public static Kek load(Path file, Map<String, String> environment) {
        String variable = environment.get(ENVIRONMENT_VARIABLE);
        if (file != null && variable != null) {
            throw invalid("kekFile", file.toString(), "either kekFile or " + ENVIRONMENT_VARIABLE + ", not both");
        }
        if (file != null) {
            return fromFile(file);
        }
        if (variable == null) {
            throw invalid(ENVIRONMENT_VARIABLE, "unset", "a base64 256-bit key in " + ENVIRONMENT_VARIABLE
                    + " or a kekFile setting");
        }
        return fromBase64(ENVIRONMENT_VARIABLE, variable);
    }

    /** Returns the key in base64, to hand a generated KEK to its owner once. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    SecretKey secretKey() {
        return key;
    }

    @Override
    public String toString() {
        return "Kek[hidden]";
    }

    private static StoreException invalid(String field, String value, String expected) {
        return new StoreException(StoreException.Code.INVALID_KEK, field + ": " + value + " (expected: " + expected + ")");
    }
}
