package dev.terminus.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the key-encryption key from the environment or a file, and every refusal. */
class KekTest {

    @TempDir
    Path dir;

    @Test
    void ok_loadFromEnvironmentOrFile() throws Exception {
        Kek kek = Kek.generate();
        Path file = Files.writeString(dir.resolve("kek"), kek.toBase64() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThat(Kek.load(null, Map.of(Kek.ENVIRONMENT_VARIABLE, kek.toBase64())).toBase64()).isEqualTo(kek.toBase64());
        assertThat(Kek.load(file, Map.of()).toBase64()).isEqualTo(kek.toBase64());
        assertThat(kek.toString()).isEqualTo("Kek[hidden]");
    }

    @Test
    void fail_badKeks() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

        assertInvalid(() -> Kek.fromBase64("TERMINUS_KEK", "not base64!"), "TERMINUS_KEK: not base64 (expected: a base64 256-bit key");
        assertInvalid(() -> Kek.fromBase64("TERMINUS_KEK", shortKey), "TERMINUS_KEK: 16 bytes (expected: 32 bytes (256 bits)");
        assertInvalid(() -> Kek.fromBase64("TERMINUS_KEK", " "), "TERMINUS_KEK: empty");
        assertInvalid(() -> Kek.load(null, Map.of()), "TERMINUS_KEK: unset (expected: a base64 256-bit key in TERMINUS_KEK or a kekFile setting)");
        assertInvalid(() -> Kek.load(dir.resolve("kek"), Map.of(Kek.ENVIRONMENT_VARIABLE, shortKey)),
                "(expected: either kekFile or TERMINUS_KEK, not both)");
        assertInvalid(() -> Kek.load(dir.resolve("missing"), Map.of()), "kekFile: " + dir.resolve("missing")
                + " (expected: a readable file holding a base64 256-bit key");
    }

    private static void assertInvalid(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.code()).isEqualTo(StoreException.Code.INVALID_KEK);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
