package dev.terminus.proxy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The access-log key: off when absent, a file relative to the config or "-", and one clear error per mistake. */
class AccessLogConfigTest {
    @TempDir
    Path dir;

    private ProxyConfig load(String accessLog) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, "admin: { port: 0 }\nlisteners:\n  - { name: http, port: 0, protocol: HTTP, "
                + "default-action: { fixed-response: { body: x } } }\n" + accessLog);
        return ConfigLoader.load(file);
    }

    @Test
    void ok_absentMeansOff() throws Exception {
        assertThat(load("").accessLog()).isEqualTo(ProxyConfig.AccessLogConfig.OFF);
    }

    @Test
    void ok_aPathResolvesAgainstTheConfigDirectory() throws Exception {
        Files.createDirectory(dir.resolve("logs"));
        ProxyConfig.AccessLogConfig c = load("access-log: { path: logs/access.log }\n").accessLog();
        assertThat(c.enabled()).isTrue();
        assertThat(c.path()).isEqualTo(dir.toAbsolutePath().resolve("logs/access.log"));
        assertThat(c.describe()).isEqualTo(c.path().toString());
    }

    @Test
    void ok_dashIsStandardOutputAndEnabledFalseTurnsItOff() throws Exception {
        ProxyConfig.AccessLogConfig stdout = load("access-log: { path: \"-\" }\n").accessLog();
        assertThat(stdout.enabled()).isTrue();
        assertThat(stdout.path()).isNull();
        assertThat(stdout.describe()).isEqualTo("-");

        ProxyConfig.AccessLogConfig off = load("access-log: { path: nowhere/x.log, enabled: false }\n").accessLog();
        assertThat(off.enabled()).isFalse();
        assertThat(load("access-log: { enabled: false }\n").accessLog().enabled()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "fail/unknown key|access-log: { path: a.log, format: json }|access-log.format: unknown key",
            "fail/missing path|access-log: { enabled: true }|access-log: path: missing",
            "fail/not a mapping|access-log: a.log|access-log: \"a.log\" (expected: a mapping)",
            "fail/not a boolean|access-log: { path: a.log, enabled: yes please }|access-log.enabled",
            "fail/missing directory|access-log: { path: no-such-dir/a.log }|access-log.path: 'no-such-dir/a.log' "
                    + "(expected: a file in an existing directory",
            "fail/a directory|access-log: { path: . }|access-log.path: '.' (expected: a file, not a directory)",
    })
    void fail(String name, String yaml, String message) {
        assertThatThrownBy(() -> load(yaml + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("proxy.yaml").toString())
                .hasMessageContaining(message);
    }
}
