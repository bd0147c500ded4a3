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
    /**
     * Re-wraps every record's data key under a new KEK: the new key is written to a side file first
     * (0600), the store re-wraps in one transaction, then the side file replaces the configured KEK
     * file atomically. A failure before the commit removes the side file and changes nothing; one
     * after it leaves the new key in the side file, which the message names.
     *
     * @param target where the new key goes: the configured kek-file, or a new file when the KEK
     *               comes from the environment (the operator then updates TERMINUS_KEK)
     * @return the file that now holds the new key, and the number of records re-wrapped
     */
    static RewrapResult rewrap(ControlPlaneConfig config, Map<String, String> environment, Path target) {
        if (!storeExists(config)) {
            throw new IllegalStateException("data-dir: " + config.dataDir() + " has no store yet (expected: a control"
                    + " plane started once)");
        }
        Kek current = load(config, environment);
        Kek next = Kek.generate();
        Path side = target.resolveSibling(target.getFileName() + ".new");
        try {
            Files.deleteIfExists(side);
        } catch (IOException e) {
            throw new UncheckedIOException("kek-file: cannot remove " + side + ": " + e, e);
        }
        write(side, next);
        int count;
        try (dev.terminus.controlplane.store.Store store = dev.terminus.controlplane.store.Store.openEmbedded(
                config.dataDir(), current)) {
            count = store.rewrap(next);
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(side);
            } catch (IOException ignored) {
                // The side file holds an unused key; the message below is what matters.
            }
            throw e;
        }
        try {
            Files.move(side, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("kek-file: the store is now wrapped by the key in " + side
                    + ", which could not replace " + target + " (" + e + "); move it there by hand", e);
        }
        return new RewrapResult(target, count);
    }

    /** What a rewrap did: where the new key is, and how many records it re-wrapped. */
    record RewrapResult(Path kekFile, int records) {
    }

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
