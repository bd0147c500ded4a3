package dev.terminus.proxy.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Expands a certificate directory into certificates, as HAProxy's {@code crt <dir>} does: every
 * {@code NAME.pem} or {@code NAME.crt} (a chain, leaf first) with its key in {@code NAME.key}
 * beside it, named {@code NAME}. For large sets, where listing each pair in YAML would cost more
 * to parse than the certificates themselves. Files are taken in name order, so the result does
 * not depend on the file system's.
 */
final class CertificateDirectory {
    private CertificateDirectory() {
    }

    /** Adds the directory's certificates to {@code certs}; refuses a chain without its key. */
    static void scan(YamlNode entry, Path base, List<ProxyConfig.Certificate> certs, Set<String> names)
            throws ConfigException {
        Path dir = base.resolve(entry.asString("a directory path")).normalize();
        if (!Files.isDirectory(dir)) {
            throw entry.error(dir + ": not a directory (expected: a directory of NAME.pem and NAME.key files)");
        }
        // One listing of names, no per-file stat and no Path per entry until a pair is known:
        // 100,000 pairs list and sort in a fraction of a second.
        String[] files = dir.toFile().list();
        if (files == null) {
            throw entry.error(dir + ": cannot list (expected: a readable directory of NAME.pem and NAME.key files)");
        }
        Arrays.sort(files);
        for (String file : files) {
            if (!isChain(file)) {
                continue;
            }
            String name = file.substring(0, file.lastIndexOf('.'));
            String keyFile = name + ".key";
            if (Arrays.binarySearch(files, keyFile) < 0) {
                throw entry.error(dir.resolve(file) + ": no key beside it (expected: " + dir.resolve(keyFile) + ")");
            }
            Path chain = dir.resolve(file);
            if (!names.add(name)) {
                throw entry.error(chain + ": certificate name '" + name + "' is already used by this listener "
                        + "(expected: unique names)");
            }
            certs.add(new ProxyConfig.Certificate(name, chain, dir.resolve(keyFile)));
        }
    }

    private static boolean isChain(String file) {
        return (file.endsWith(".pem") || file.endsWith(".crt")) && file.indexOf('.') > 0;
    }
}
