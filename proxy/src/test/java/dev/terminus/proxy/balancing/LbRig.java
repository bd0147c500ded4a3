package dev.terminus.proxy.balancing;

import dev.terminus.proxy.testing.Commands;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes load-balancer configurations for loopback backends and drives the proxy with real curl. */
final class LbRig {
    static final String HOST = "terminus.test";

    private LbRig() {
    }

    /** Returns a TLS listener named {@code name} on port 0 serving {@code cert}, with the given keys. */
    static String tlsListener(String name, TestPki.Files2 cert, String body) {
        return "  - name: " + name + "\n    port: 0\n    certificates:\n"
                + "      - name: " + cert.id() + "\n        chain: " + cert.chain() + "\n        key: " + cert.key() + "\n"
                + body.stripTrailing().indent(4);
    }

    /** Returns a plain HTTP listener named {@code name} on port 0 with the given keys. */
    static String plainListener(String name, String body) {
        return "  - name: " + name + "\n    port: 0\n    protocol: HTTP\n" + body.stripTrailing().indent(4);
    }

    /**
     * Health checks every 100 ms, ejecting after two failures: quick to eject and to recover, but
     * a loaded machine that answers a probe in over 100 ms twice in a row ejects a sound target.
     */
    static final String FAST_CHECKS = "{ path: /health, interval: 100ms, timeout: 100ms, healthy-threshold: 2, "
            + "unhealthy-threshold: 2 }";

    /**
     * Health checks every second, ejecting after four failures: a sound target is ejected only if
     * four probes in a row get no answer within a second (a stall of about four seconds), while a
     * target answering 500 is still ejected within about four seconds.
     */
    static final String STEADY_CHECKS = "{ path: /health, interval: 1s, timeout: 1s, healthy-threshold: 2, "
            + "unhealthy-threshold: 4 }";

    /** Returns a target group of the given backends, health-checked on /health with {@link #FAST_CHECKS}. */
    static String group(String name, String extra, Backend... backends) {
        return group(name, FAST_CHECKS, extra, backends);
    }

    /** Returns a target group of the given backends with the given health-check settings and extra keys. */
    static String group(String name, String healthCheck, String extra, Backend... backends) {
        StringBuilder b = new StringBuilder("  - name: ").append(name).append("\n    targets:\n");
        for (Backend backend : backends) {
            b.append("      - { host: 127.0.0.1, port: ").append(backend.port()).append(" }\n");
        }
        b.append("    health-check: ").append(healthCheck).append("\n");
        return b + extra.stripTrailing().indent(4);
    }

    static Path write(Path dir, String groups, String... listeners) throws Exception {
        String yaml = "admin:\n  port: 0\n"
                + (groups.isEmpty() ? "" : "target-groups:\n" + groups)
                + "listeners:\n" + String.join("", listeners);
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    static int port(ProxyRig rig, String listener) {
        return rig.app.listeners().get(listener).getPort();
    }

    /** Runs one curl fetching {@code count} times {@code path} on the TLS listener; returns exit and output. */
    static Commands.Result curl(ProxyRig rig, TestPki pki, String path, int count, String... extra) throws Exception {
        int port = port(rig, "https");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "25", "--cacert",
                pki.caFile().toString(), "--resolve", HOST + ":" + port + ":127.0.0.1"));
        cmd.addAll(Arrays.asList(extra));
        for (int i = 0; i < count; i++) {
            cmd.add("https://" + HOST + ":" + port + path);
        }
        return Commands.run(cmd);
    }

    /** Counts the lines of curl's output: each backend answers its name on one line. */
    static Map<String, Integer> tally(String output) {
        Map<String, Integer> counts = new HashMap<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                counts.merge(line.trim(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
