package dev.terminus.proxy.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads the top-level {@code access-log} key: absent means off; present means on unless
 * {@code enabled: false}, with a {@code path} that is a file (relative to the configuration
 * file) or {@code "-"} for standard output. The file is checked here, so that a reload to a
 * path the proxy cannot write is refused whole instead of losing lines later.
 */
final class AccessLogLoader {
    static final String STDOUT = "-";

    private AccessLogLoader() {
    }

    static ProxyConfig.AccessLogConfig load(YamlNode root, Path base) throws ConfigException {
        YamlNode n = root.object("access-log");
        if (n == null) {
            return ProxyConfig.AccessLogConfig.OFF;
        }
        n.onlyKeys(Set.of("path", "enabled"));
        boolean enabled = n.bool("enabled", true);
        String spelled = n.string("path", null);
        String expected = "a file path (relative to the configuration file) or \"-\" for standard output";
        if (spelled == null || spelled.isBlank()) {
            if (!enabled) {
                return ProxyConfig.AccessLogConfig.OFF;
            }
            throw n.error("path: missing (expected: " + expected + ")");
        }
        if (spelled.equals(STDOUT)) {
            return new ProxyConfig.AccessLogConfig(enabled, null);
        }
        Path path;
        try {
            path = base.resolve(spelled).normalize();
        } catch (InvalidPathException e) {
            throw n.error("path", "'" + spelled + "'", expected);
        }
        if (enabled) {
            check(n, spelled, path);
        }
        return new ProxyConfig.AccessLogConfig(enabled, path);
    }

    /** Refuses a path the proxy could not append to: a missing or read-only directory, a directory, a read-only file. */
    private static void check(YamlNode n, String spelled, Path path) throws ConfigException {
        String value = "'" + spelled + "'";
        if (Files.isDirectory(path)) {
            throw n.error("path", value, "a file, not a directory");
        }
        if (Files.exists(path)) {
            if (!Files.isRegularFile(path) || !Files.isWritable(path)) {
                throw n.error("path", value, "a regular file the proxy may write (" + path + " is not)");
            }
            return;
        }
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw n.error("path", value, "a file in an existing directory (" + dir + " does not exist)");
        }
        if (!Files.isWritable(dir)) {
            throw n.error("path", value, "a file in a directory the proxy may write (" + dir + " is not writable)");
        }
    }
}
