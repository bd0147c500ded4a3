package dev.terminus.proxy.config;

import dev.terminus.proxy.http.HttpLimits;
import dev.terminus.proxy.http.RequestIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits and request-id sections: defaults, every key read, and one clear error per mistake. */
class LimitsConfigTest {
    @TempDir
    Path dir;

    private static final String LISTENER = "listeners:\n  - { name: http, port: 0, protocol: HTTP, "
            + "default-action: { fixed-response: { body: ok } } }\n";

    private ProxyConfig load(String yaml) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, "admin: { port: 0 }\n" + LISTENER + yaml);
        return ConfigLoader.load(file);
    }

    /** Asserts that loading {@code yaml} fails with an error that names the file and contains {@code message}. */
    private void assertRefused(String yaml, String message) {
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("proxy.yaml").toString())
                .hasMessageContaining(message);
    }

    @Test
    void ok_absentKeysTakeEdgeProxyDefaults() throws Exception {
        ProxyConfig c = load("");
        HttpLimits h = c.limits().http();
        assertThat(h).isEqualTo(HttpLimits.defaults());
        assertThat(h.maxInitialLineLength()).isEqualTo(8_192);
        assertThat(h.maxHeaderSize()).isEqualTo(16_384);
        assertThat(h.maxBodySize()).as("no body limit, as ALB").isZero();
        assertThat(h.connectTimeoutMillis()).isEqualTo(10_000);
        assertThat(h.responseTimeoutMillis()).isEqualTo(60_000);
        assertThat(h.idleTimeoutMillis()).isEqualTo(60_000);
        assertThat(h.requestHeaderTimeoutMillis()).isEqualTo(60_000);
        assertThat(c.limits().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.requestId()).isEqualTo(new RequestIds("X-Request-Id", false));

        assertThat(load("limits: { max-connections: 5 }\n").limits().http()).isEqualTo(HttpLimits.defaults());
    }

    @Test
    void ok_everyKeyIsRead() throws Exception {
        ProxyConfig c = load("""
                limits:
                  max-connections: 77
                  handshake-timeout: 3s
                  max-client-hello-bytes: 4096
                  connect-timeout: 1500ms
                  response-timeout: 2m
                  idle-timeout: 75s
                  request-header-timeout: 300ms
                  max-request-line: 4096
                  max-header-size: 32768
                  max-body-size: 10m
                  shutdown-timeout: 0s
                request-id: { header: X-Trace, preserve: true }
                """);
        assertThat(c.limits().maxConnections()).isEqualTo(77);
        assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.limits().maxClientHelloBytes()).isEqualTo(4096);
        assertThat(c.limits().http()).isEqualTo(
                new HttpLimits(4096, 32_768, 10L << 20, 1500, 120_000, 75_000, 300));
        assertThat(c.limits().shutdownTimeout()).isZero();
        assertThat(c.requestId()).isEqualTo(new RequestIds("X-Trace", true));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, 0",
            "1048576, 1048576",
            "512k, 524288",
            "10M, 10485760",
            "1g, 1073741824",
            "1024g, 1099511627776",
    })
    void ok_sizeSyntax(String written, long bytes) throws Exception {
        assertThat(load("limits: { max-body-size: " + written + " }\n").limits().http().maxBodySize())
                .isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "fail/negative size|max-body-size: -1|limits.max-body-size: '-1' (expected: a size in bytes such as",
            "fail/fraction|max-body-size: 1.5m|limits.max-body-size: '1.5m'",
            "fail/unknown unit|max-body-size: 10t|limits.max-body-size: '10t'",
            "fail/size over 1024g|max-body-size: 1025g|limits.max-body-size: '1025g'",
            "fail/huge number|max-body-size: 99999999999999999999|limits.max-body-size: '99999999999999999999'",
            "fail/timeout without unit|connect-timeout: 10|limits.connect-timeout: '10' (expected: a duration",
            "fail/timeout too long|response-timeout: 2h|limits.response-timeout: '2h'",
            "fail/header timeout zero|request-header-timeout: 0ms|limits.request-header-timeout: '0ms'",
            "fail/idle too short|idle-timeout: 50ms|limits.idle-timeout: '50ms'",
            "fail/shutdown words|shutdown-timeout: never|limits.shutdown-timeout: 'never'",
            "fail/request line too small|max-request-line: 10|limits.max-request-line: 10 (expected: an integer from 256 to 65536)",
            "fail/headers too big|max-header-size: 2000000|limits.max-header-size: 2000000 (expected: an integer from 1024 to 1048576)",
            "fail/typo|max_body_size: 1m|limits.max_body_size: unknown key (expected one of:",
    })
    void fail_limitsNameTheKey(String name, String entry, String message) {
        assertRefused("limits:\n  " + entry + "\n", message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "fail/not a token|header: \"X Request Id\"|request-id.header: 'X Request Id' (expected: a header field name",
            "fail/framing field|header: Content-Length|request-id.header: 'Content-Length' (expected: a field the proxy",
            "fail/forwarded field|header: x-forwarded-for|request-id.header: 'x-forwarded-for'",
            "fail/preserve not boolean|preserve: yes please|request-id.preserve: \"yes please\" (expected: true or false)",
            "fail/typo|preserv: true|request-id.preserv: unknown key",
    })
    void fail_requestIdNamesTheKey(String name, String entry, String message) {
        assertRefused("request-id:\n  " + entry + "\n", message);
    }
}
