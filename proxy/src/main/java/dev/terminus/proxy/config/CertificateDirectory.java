package dev.terminus.proxy.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

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
        // One listing, no per-file stat: 100,000 pairs list in well under a second.
        java.util.Set<String> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            throw entry.error(dir + ": cannot list: " + ConfigLoader.describe(e));
        }
        for (String file : files) {
            if (!isChain(file)) {
                continue;
            }
            String name = file.substring(0, file.lastIndexOf('.'));
            Path chain = dir.resolve(file);
            Path key = dir.resolve(name + ".key");
            if (!files.contains(name + ".key")) {
                throw entry.error(chain + ": no key beside it (expected: " + key + ")");
            }
            if (!names.add(name)) {
                throw entry.error(chain + ": certificate name '" + name + "' is already used by this listener "
                        + "(expected: unique names)");
            }
            certs.add(new ProxyConfig.Certificate(name, chain, key));
        }
    }

    private static boolean isChain(String file) {
        return (file.endsWith(".pem") || file.endsWith(".crt")) && file.indexOf('.') > 0;
    }
}
