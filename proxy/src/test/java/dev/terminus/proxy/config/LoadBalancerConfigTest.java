package dev.terminus.proxy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Target groups, rules, actions and plain listeners in YAML: defaults, and one clear error per mistake. */
class LoadBalancerConfigTest {
    @TempDir
    Path dir;

    private static final String GROUPS = """
            target-groups:
              - name: web
                targets: [{ host: 127.0.0.1, port: 8080 }, { host: 127.0.0.1, port: 8081, weight: 5 }]
            """;

    private ProxyConfig load(String yaml) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, "admin: { port: 0 }\n" + yaml);
        return ConfigLoader.load(file);
    }

    private static String https(String body) {
        return "listeners:\n  - name: https\n    port: 0\n    certificates: [{ chain: a.pem, key: a.key }]\n"
                + body.stripTrailing().indent(4);
    }

    @Test
    void ok_defaultsAndBothActionSpellings() throws Exception {
        ProxyConfig c = load(GROUPS + https("default-action: { forward: { target-group: web } }"));
        TargetGroupConfig g = c.targetGroup("web");
        assertThat(g.algorithm()).isEqualTo(TargetGroupConfig.Algorithm.ROUND_ROBIN);
        assertThat(g.onNoHealthy()).isEqualTo(TargetGroupConfig.OnNoHealthy.FAIL_OPEN);
        assertThat(g.deregistrationDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(g.healthCheck()).isEqualTo(TargetGroupConfig.HealthCheck.defaults());
        assertThat(g.targets().get(0).weight()).isEqualTo(1);
        assertThat(c.listeners().get(0).defaultAction()).isEqualTo(
                new ActionSpec.ToGroups(java.util.List.of(new ActionSpec.GroupWeight("web", 1))));

        ProxyConfig legacy = load(https("action: { forward: { host: 127.0.0.1, port: 9 } }"));
        assertThat(legacy.listeners().get(0).defaultAction()).isInstanceOf(ActionSpec.Static.class);

        ProxyConfig plain = load("listeners:\n  - { name: http, port: 0, protocol: HTTP, default-action: "
                + "{ redirect: { protocol: HTTPS, port: 443 } } }\n");
        assertThat(plain.listeners().get(0).tls()).isFalse();
        assertThat(plain.listeners().get(0).certificates()).isEmpty();
    }

    @Test
    void ok_aGroupWithNoTargetsWrittenAsAnEmptyKeyOrAnEmptyList() throws Exception {
        for (String targets : new String[] {"targets:", "targets: []", "targets: ~"}) {
            ProxyConfig c = load("target-groups:\n  - name: empty\n    " + targets + "\n"
                    + https("default-action: { forward: { target-group: empty } }"));
            assertThat(c.targetGroup("empty").targets()).as(targets).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "fail/unknown target group|default-action: { forward: { target-group: wbe } }"
                    + "|listeners[0].default-action.forward.target-group: 'wbe' (expected: the name of a target group",
            "fail/both action keys|action: { fixed-response: {} }\\ndefault-action: { fixed-response: {} }"
                    + "|listeners[0]: action: set together with default-action",
            "fail/no action|policy: TLS13-1-2-2021-06|listeners[0]: default-action: missing",
            "fail/two actions|default-action: { fixed-response: {}, redirect: { protocol: HTTPS } }"
                    + "|expected exactly one of",
            "fail/duplicate priority|rules: [{ priority: 1, conditions: { path: /a }, action: { fixed-response: {} } },"
                    + " { priority: 1, conditions: { path: /b }, action: { fixed-response: {} } }]\\n"
                    + "default-action: { fixed-response: {} }"
                    + "|listeners[0].rules[1].priority: 1 (expected: a priority no other rule",
            "fail/bad host|rules: [{ priority: 1, conditions: { host: [\"a.*.test\"] }, action: { fixed-response: {} } }]\\n"
                    + "default-action: { fixed-response: {} }"
                    + "|listeners[0].rules[0].conditions.host[0]: 'a.*.test' (expected: an exact name or a one-label",
            "fail/bad path|rules: [{ priority: 1, conditions: { path: [\"/a*b\"] }, action: { fixed-response: {} } }]\\n"
                    + "default-action: { fixed-response: {} }"
                    + "|listeners[0].rules[0].conditions.path[0]: '/a*b'",
            "fail/no condition|rules: [{ priority: 1, conditions: {}, action: { fixed-response: {} } }]\\n"
                    + "default-action: { fixed-response: {} }"
                    + "|listeners[0].rules[0].conditions: empty (expected: host, path or both)",
            "fail/all weights zero|default-action: { weighted: [{ target-group: web, weight: 0 }] }"
                    + "|weighted: every weight is 0",
            "fail/weight over 999|default-action: { weighted: [{ target-group: web, weight: 1000 }] }"
                    + "|weighted[0].weight: 1000 (expected: an integer from 0 to 999)",
            "fail/redirect loop|default-action: { redirect: {} }|a redirect to the same URL would loop",
            "fail/unknown placeholder|default-action: { redirect: { path: \"/#{uri}\" } }"
                    + "|redirect.path: '/#{uri}' (expected: text and #{protocol}",
            "fail/redirect status|default-action: { redirect: { status: 307, protocol: HTTPS } }"
                    + "|redirect.status: 307",
    })
    void listenerErrors(String name, String body, String message) {
        assertThatThrownBy(() -> load(GROUPS + https(body.replace("\\n", "\n"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "fail/duplicate group|- { name: web, targets: [] }\\n- { name: web, targets: [] }"
                    + "|target-groups[1].name: 'web' (expected: a name no other target group has)",
            "fail/duplicate target|- { name: a, targets: [{ host: h, port: 1 }, { host: h, port: 1 }] }"
                    + "|target-groups[0].targets[1].port: 1 (expected: a host:port no other target",
            "fail/algorithm|- { name: a, algorithm: random }|target-groups[0].algorithm: 'random' (expected: round-robin",
            "fail/on-no-healthy|- { name: a, on-no-healthy: fail-closed }|target-groups[0].on-no-healthy: 'fail-closed'",
            "fail/matcher|- { name: a, health-check: { matcher: \"200-99\" } }|target-groups[0].health-check.matcher",
            "fail/matcher 5xx|- { name: a, health-check: { matcher: \"500\" } }|target-groups[0].health-check.matcher",
            "fail/timeout over interval|- { name: a, health-check: { interval: 1s, timeout: 2s } }"
                    + "|target-groups[0].health-check.timeout: '2s' (expected: at most the interval",
            "fail/threshold|- { name: a, health-check: { healthy-threshold: 0 } }"
                    + "|health-check.healthy-threshold: 0 (expected: an integer from 1 to 10)",
            "fail/typo|- { name: a, deregistration_delay: 1s }|target-groups[0].deregistration_delay: unknown key",
            "fail/weighted-random all zero|- { name: a, algorithm: weighted-random, targets: [{ host: h, port: 1, weight: 0 }] }"
                    + "|every weight is 0",
    })
    void targetGroupErrors(String name, String groups, String message) {
        assertThatThrownBy(() -> load("target-groups:\n" + groups.replace("\\n", "\n").indent(2)
                + https("default-action: { fixed-response: {} }")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void fail_plainListenerWithCertificates() {
        assertThatThrownBy(() -> load("listeners:\n  - name: http\n    port: 0\n    protocol: HTTP\n"
                + "    certificates: [{ chain: a.pem, key: a.key }]\n    default-action: { fixed-response: {} }\n"))
                .hasMessageContaining("listeners[0]: certificates: not used by a plain HTTP listener");
        assertThatThrownBy(() -> load("listeners:\n  - { name: x, port: 0, protocol: TCP }\n"))
                .hasMessageContaining("listeners[0].protocol: 'TCP' (expected: HTTPS");
    }
}
