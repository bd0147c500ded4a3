package dev.terminus.proxy.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Formats entries and reads them back with Jackson: every field, nulls, and hostile strings. */
class AccessLogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final AccessLogEntry.Connection TLS = new AccessLogEntry.Connection("https",
            new InetSocketAddress("192.0.2.7", 50_000), "api.example.test", "TLSv1.3", "TLS_AES_128_GCM_SHA256",
            12_345_678);
    static final AccessLogEntry.Connection PLAIN = new AccessLogEntry.Connection("http",
            new InetSocketAddress("2001:db8::1", 40_000), null, null, null, -1);

    /** The codecs hand over one char per byte: this is what a UTF-8 string looks like there. */
    static String asWire(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    static AccessLogEntry entry(AccessLogEntry.Connection c, String host, String uri, String requestId) {
        return new AccessLogEntry(1_700_000_000_000L, c, "HTTP/1.1", "GET", uri, host, 200, 0, 5, null, 0, null,
                -1, -1, 1_500_000, null, requestId);
    }

    private static List<JsonNode> format(AccessLogEntry... entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AccessLogFormat f = new AccessLogFormat(out)) {
            for (AccessLogEntry e : entries) {
                f.write(e);
            }
            f.flush();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).hasSize(entries.length);
        return lines;
    }

    @Test
    void writesEveryFieldOfAForwardedRequest() throws Exception {
        AccessLogEntry e = new AccessLogEntry(1_700_000_000_006L, TLS, "HTTP/2", "POST", "/api/v1/items?id=7&x",
                "api.example.test:8443", 201, 11, 42, "10.0.0.5", 8080, "web", 1_234_567, 20_000_001,
                25_000_000_123L, null, "req-1");

        JsonNode n = format(e).get(0);

        assertThat(n.get("time").asText()).isEqualTo("2023-11-14T22:13:20.006Z");
        assertThat(n.get("listener").asText()).isEqualTo("https");
        assertThat(n.get("client").asText()).isEqualTo("192.0.2.7");
        assertThat(n.get("client_port").asInt()).isEqualTo(50_000);
        assertThat(n.get("sni").asText()).isEqualTo("api.example.test");
        assertThat(n.get("host").asText()).isEqualTo("api.example.test:8443");
        assertThat(n.get("method").asText()).isEqualTo("POST");
        assertThat(n.get("path").asText()).isEqualTo("/api/v1/items");
        assertThat(n.get("query").asText()).isEqualTo("id=7&x");
        assertThat(n.get("http_version").asText()).isEqualTo("HTTP/2");
        assertThat(n.get("status").asInt()).isEqualTo(201);
        assertThat(n.get("bytes_in").asLong()).isEqualTo(11);
        assertThat(n.get("bytes_out").asLong()).isEqualTo(42);
        assertThat(n.get("target").asText()).isEqualTo("10.0.0.5:8080");
        assertThat(n.get("target_group").asText()).isEqualTo("web");
        assertThat(n.get("tls_protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(n.get("tls_cipher").asText()).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(n.get("handshake_ms").isNumber()).isTrue();
        assertThat(n.get("handshake_ms").decimalValue()).isEqualByComparingTo("12.345");
        assertThat(n.get("connect_ms").decimalValue()).isEqualByComparingTo("1.234");
        assertThat(n.get("response_ms").decimalValue()).isEqualByComparingTo("20.000");
        // Long requests stay plain decimals, never 2.5E7.
        assertThat(n.get("duration_ms").decimalValue()).isEqualByComparingTo("25000.000");
        assertThat(n.get("error").isNull()).isTrue();
        assertThat(n.get("request_id").asText()).isEqualTo("req-1");
        assertThat(n.size()).isEqualTo(23);
    }

    @Test
    void writesNullsForWhatDoesNotApply() throws Exception {
        JsonNode n = format(entry(PLAIN, null, "/", null)).get(0);

        assertThat(n.get("client").asText()).isEqualTo("2001:db8:0:0:0:0:0:1");
        for (String field : List.of("sni", "host", "query", "target", "target_group", "tls_protocol", "tls_cipher",
                "handshake_ms", "connect_ms", "response_ms", "error", "request_id")) {
            assertThat(n.get(field)).as(field).isNotNull();
            assertThat(n.get(field).isNull()).as(field).isTrue();
        }
        assertThat(n.get("duration_ms").decimalValue()).isEqualByComparingTo("1.5");
    }

    @Test
    void writesDurationsAsPlainMillisecondDecimalsAndReusesNothingStale() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AccessLogFormat f = new AccessLogFormat(out)) {
            f.write(new AccessLogEntry(1_700_000_000_999L, TLS, "HTTP/1.1", "GET", "/", "h", 200, 0, 0, "10.0.0.5",
                    8080, null, 0, 999, 25_000_000_123L, null, null));
            // Another connection, target and second: nothing of the line before may leak into this one.
            f.write(new AccessLogEntry(1_700_000_001_000L, PLAIN, "HTTP/1.1", "GET", "/", "h", 200, 0, 0, "::1",
                    8081, null, 1_000, 1_234_567_890L, Long.MAX_VALUE, null, null));
            f.flush();
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");

        assertThat(lines[0]).contains("\"time\":\"2023-11-14T22:13:20.999Z\"", "\"client\":\"192.0.2.7\"",
                "\"target\":\"10.0.0.5:8080\"", "\"handshake_ms\":12.345,", "\"connect_ms\":0.000,",
                "\"response_ms\":0.000,", "\"duration_ms\":25000.000,");
        assertThat(lines[1]).contains("\"time\":\"2023-11-14T22:13:21.000Z\"", "\"client\":\"2001:db8:0:0:0:0:0:1\"",
                "\"target\":\"[::1]:8081\"", "\"handshake_ms\":null,", "\"connect_ms\":0.001,",
                "\"response_ms\":1234.567,", "\"duration_ms\":9223372036854.775,");
    }

    @Test
    void bracketsAnIpv6Target() throws Exception {
        AccessLogEntry e = new AccessLogEntry(0, PLAIN, "HTTP/1.1", "GET", "/", "h", 200, 0, 0, "::1", 8080, null,
                0, 1000, 2000, null, null);

        JsonNode n = format(e).get(0);

        assertThat(n.get("target").asText()).isEqualTo("[::1]:8080");
        assertThat(n.get("connect_ms").decimalValue()).isEqualByComparingTo("0");
        assertThat(n.get("time").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
    }

    @Test
    void escapesHostileStringsIntoOneValidLineEach() throws Exception {
        String[][] table = {
                // what the client sent (as text)     what the log must say
                {"/a\"b\\c", "/a\"b\\c"},
                {"/line\nbreak\r\n{\"forged\":1}", "/line\nbreak\r\n{\"forged\":1}"},
                {"/nul\u0000bell\u0007esc\u001bdel\u007f", "/nul\u0000bell\u0007esc\u001bdel\u007f"},
                {"/caf\u00e9/\u65e5\u672c/\ud83d\ude00", "/caf\u00e9/\u65e5\u672c/\ud83d\ude00"},
                {"/</script><!--", "/</script><!--"},
        };
        List<AccessLogEntry> entries = new ArrayList<>();
        for (String[] row : table) {
            entries.add(entry(TLS, asWire(row[0]), asWire(row[0]) + "?" + asWire(row[0]), asWire(row[0])));
        }

        List<JsonNode> lines = format(entries.toArray(AccessLogEntry[]::new));

        for (int i = 0; i < table.length; i++) {
            JsonNode n = lines.get(i);
            assertThat(n.get("host").asText()).as(table[i][0]).isEqualTo(table[i][1]);
            assertThat(n.get("path").asText()).as(table[i][0]).isEqualTo(table[i][1]);
            assertThat(n.get("query").asText()).as(table[i][0]).isEqualTo(table[i][1]);
            assertThat(n.get("request_id").asText()).as(table[i][0]).isEqualTo(table[i][1]);
        }
    }

    @Test
    void replacesBytesThatAreNotUtf8AndLoneSurrogates() throws Exception {
        // 0xC3 0x28 is a broken two-byte sequence; 0xFF never occurs in UTF-8.
        String broken = "/x\u00c3\u0028y\u00ff";
        AccessLogEntry bytes = entry(TLS, "h", broken, null);
        // A string that did not come from the codecs (chars above 0xFF) with an unpaired surrogate.
        AccessLogEntry decoded = entry(TLS, "h\ud800\u65e5", "/\udc00", null);

        List<JsonNode> lines = format(bytes, decoded);

        assertThat(lines.get(0).get("path").asText()).isEqualTo("/x\ufffd(y\ufffd");
        assertThat(lines.get(1).get("host").asText()).isEqualTo("h\ufffd\u65e5");
        assertThat(lines.get(1).get("path").asText()).isEqualTo("/\ufffd");
    }

    @Test
    void writesLinesLongerThanItsBufferAndManyLinesAcrossIt() throws Exception {
        // 200 KiB of control characters: six bytes each once escaped, far beyond one buffer.
        String huge = "/" + "\u0001".repeat(200 * 1024);
        List<AccessLogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            entries.add(entry(TLS, "h", i == 1_500 ? huge : "/item/" + i, "id-" + i));
        }

        List<JsonNode> lines = format(entries.toArray(AccessLogEntry[]::new));

        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i).get("request_id").asText()).isEqualTo("id-" + i);
            assertThat(lines.get(i).get("path").asText()).isEqualTo(i == 1_500 ? huge : "/item/" + i);
        }
    }

    @Test
    void writesUtf16StringsWithPairsAsUtf8AndLoneSurrogatesReplaced() throws Exception {
        AccessLogEntry.Connection c = new AccessLogEntry.Connection("\u65e5\ud83d\ude00\ud800x", null, null, null, null, -1);

        JsonNode n = format(entry(c, "h", "/", null)).get(0);

        assertThat(n.get("listener").asText()).isEqualTo("\u65e5\ud83d\ude00\ufffdx");
        assertThat(n.get("client").isNull()).isTrue();
        assertThat(n.get("client_port").isNull()).isTrue();
    }

    @Test
    void timeKeepsMillisecondsAcrossSecondsAndBeforeTheEpoch() throws Exception {
        AccessLogFormat f = new AccessLogFormat(new ByteArrayOutputStream());
        assertThat(f.time(1_700_000_000_999L)).isEqualTo("2023-11-14T22:13:20.999Z");
        assertThat(f.time(1_700_000_001_000L)).isEqualTo("2023-11-14T22:13:21.000Z");
        assertThat(f.time(1_700_000_001_050L)).isEqualTo("2023-11-14T22:13:21.050Z");
        assertThat(f.time(-1L)).isEqualTo("1969-12-31T23:59:59.999Z");
    }
}
