package dev.terminus.proxy.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

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
        // 100,000 pairs list, sort and pair in a fraction of a second. Sorted on every core:
        // this runs before certificates load, while nothing else can use them.
        String[] files = dir.toFile().list();
        if (files == null) {
            throw entry.error(dir + ": cannot list (expected: a readable directory of NAME.pem and NAME.key files)");
        }
        Set<String> all = new HashSet<>(Arrays.asList(files));
        String[] chains = Arrays.stream(files).filter(CertificateDirectory::isChain).toArray(String[]::new);
        Arrays.parallelSort(chains);
        ProxyConfig.Certificate[] pairs = new ProxyConfig.Certificate[chains.length];
        IntStream.range(0, chains.length).parallel().forEach(i -> {
            String name = chains[i].substring(0, chains[i].lastIndexOf('.'));
            if (all.contains(name + ".key")) {
                pairs[i] = new ProxyConfig.Certificate(name, dir.resolve(chains[i]), dir.resolve(name + ".key"));
            }
        });
        for (int i = 0; i < chains.length; i++) {
            ProxyConfig.Certificate pair = pairs[i];
            if (pair == null) {
                String name = chains[i].substring(0, chains[i].lastIndexOf('.'));
                throw entry.error(dir.resolve(chains[i]) + ": no key beside it (expected: " + dir.resolve(name + ".key")
                        + ")");
            }
            if (!names.add(pair.name())) {
                throw entry.error(pair.chain() + ": certificate name '" + pair.name() + "' is already used by this "
                        + "listener (expected: unique names)");
            }
            certs.add(pair);
        }
    }

    private static boolean isChain(String file) {
        return (file.endsWith(".pem") || file.endsWith(".crt")) && file.indexOf('.') > 0;
    }
}
