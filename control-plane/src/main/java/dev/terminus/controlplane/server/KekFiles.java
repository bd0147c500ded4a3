package dev.terminus.controlplane.server;

import dev.terminus.controlplane.config.ControlPlaneConfig;
import dev.terminus.controlplane.store.Kek;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the key-encryption key: {@code TERMINUS_KEK} when the configuration names no file, else
 * the file; on a first start (no file and no store yet) it generates one into the file at mode 0600
 * and says so loudly. It never generates a key next to an existing store: that store would not open.
 */
final class KekFiles {

    private static final Logger log = LoggerFactory.getLogger(KekFiles.class);
    /** The H2 file the embedded store writes: its presence means a KEK was already chosen. */
    private static final String DATABASE_FILE = "terminus.mv.db";

    private KekFiles() {
    }

    /** Returns the KEK for {@code config}, creating the file on a first start. */
    static Kek load(ControlPlaneConfig config, Map<String, String> environment) {
        Path file = config.kekFile();
        if (file == null) {
            return Kek.fromBase64(Kek.ENVIRONMENT_VARIABLE, environment.get(Kek.ENVIRONMENT_VARIABLE));
        }
        if (Files.exists(file)) {
            return Kek.fromFile(file);
        }
        if (storeExists(config)) {
            throw new IllegalStateException("kek-file: " + file + " does not exist (expected: the key-encryption key "
                    + config.dataDir() + " was created with, as a file or in " + Kek.ENVIRONMENT_VARIABLE
                    + "; a new key cannot open that store)");
        }
        Kek kek = Kek.generate();
        write(file, kek);
        log.warn("*****************************************************************************************");
        log.warn("* First start: GENERATED a new key-encryption key in {} (mode 0600).", file);
        log.warn("* It protects every private key in {}. Back it up: without it nothing can be decrypted.", config.dataDir());
        log.warn("* In production keep it away from the data directory (set kek-file) or pass it in {}.",
                Kek.ENVIRONMENT_VARIABLE);
        log.warn("*****************************************************************************************");
        return kek;
    }

    /** Returns whether {@code config}'s data directory already holds a store. */
    static boolean storeExists(ControlPlaneConfig config) {
        return Files.exists(config.dataDir().resolve(DATABASE_FILE));
    }

    private static void write(Path file, Kek kek) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                // Created with 0600 from the start, so there is no moment when others may read it.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, kek.toBase64() + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("kek-file: " + file + " (expected: a path where a new key can be written; " + e + ")", e);
        }
    }
}
