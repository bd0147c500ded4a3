package dev.terminus.proxy.accesslog;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes access-log entries as JSON lines (one object per line, UTF-8) through Jackson's
 * streaming generator, which escapes quotes, backslashes and control characters. Request strings
 * arrive one char per byte, as the HTTP codecs decode them; they are read back as UTF-8 (invalid
 * bytes become U+FFFD), so a UTF-8 path is logged as its text, not as mojibake. Owned by the
 * writer thread; not thread-safe.
 */
final class AccessLogFormat implements AutoCloseable {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);

    private final JsonGenerator json;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix;

    /** Writes to {@code out}, which it neither closes nor owns. */
    AccessLogFormat(OutputStream out) throws IOException {
        json = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        // One object per line, not Jackson's default space between root values.
        json.setRootValueSeparator(null);
    }

    /** Appends one line. */
    void write(AccessLogEntry e) throws IOException {
        AccessLogEntry.Connection c = e.connection();
        json.writeStartObject();
        json.writeStringField("time", time(e.timeMillis()));
        json.writeStringField("listener", c.listener());
        InetSocketAddress client = c.client();
        json.writeStringField("client", client == null ? null : ip(client));
        if (client == null) {
            json.writeNullField("client_port");
        } else {
            json.writeNumberField("client_port", client.getPort());
        }
        json.writeStringField("sni", c.sni());
        json.writeStringField("host", text(e.host()));
        json.writeStringField("method", text(e.method()));
        String uri = e.uri();
        int q = uri == null ? -1 : uri.indexOf('?');
        json.writeStringField("path", text(q < 0 ? uri : uri.substring(0, q)));
        json.writeStringField("query", q < 0 ? null : text(uri.substring(q + 1)));
        json.writeStringField("http_version", e.httpVersion());
        json.writeNumberField("status", e.status());
        json.writeNumberField("bytes_in", e.bytesIn());
        json.writeNumberField("bytes_out", e.bytesOut());
        json.writeStringField("target", e.targetHost() == null ? null : hostPort(e.targetHost(), e.targetPort()));
        json.writeStringField("target_group", e.targetGroup());
        json.writeStringField("tls_protocol", c.tlsProtocol());
        json.writeStringField("tls_cipher", c.tlsCipher());
        millis("handshake_ms", c.handshakeNanos());
        millis("connect_ms", e.connectNanos());
        millis("response_ms", e.responseNanos());
        millis("duration_ms", e.durationNanos());
        json.writeStringField("error", e.error());
        json.writeStringField("request_id", text(e.requestId()));
        json.writeEndObject();
        json.writeRaw('\n');
    }

    /** Pushes what the generator buffers to the stream, and flushes the stream. */
    void flush() throws IOException {
        json.flush();
    }

    @Override
    public void close() throws IOException {
        json.close();
    }

    /** Formats epoch milliseconds as ISO-8601 UTC with milliseconds, e.g. {@code 2025-01-02T03:04:05.006Z}. */
    String time(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != cachedSecond) {
            cachedPrefix = SECONDS.format(Instant.ofEpochSecond(second));
            cachedSecond = second;
        }
        int ms = (int) Math.floorMod(millis, 1000);
        return cachedPrefix + (char) ('0' + ms / 100) + (char) ('0' + ms / 10 % 10) + (char) ('0' + ms % 10) + 'Z';
    }

    /** Writes nanoseconds as milliseconds with microsecond precision, or null when negative. */
    private void millis(String field, long nanos) throws IOException {
        json.writeFieldName(field);
        if (nanos < 0) {
            json.writeNull();
            return;
        }
        long micros = nanos / 1000;
        long frac = micros % 1000;
        // Plain decimal text: Double.toString would switch to 1.0E7 notation for long requests.
        json.writeNumber(micros / 1000 + "." + (frac < 100 ? (frac < 10 ? "00" : "0") : "") + frac);
    }

    private static String ip(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        return ip == null ? address.getHostString() : ip.getHostAddress();
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Reads a one-char-per-byte string back as UTF-8; leaves ASCII (the common case) alone. */
    String text(String s) {
        if (s == null) {
            return null;
        }
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch > 0xFF) {
                // Not a byte string (already decoded somewhere): keep it, minus lone surrogates.
                return wellFormed(s);
            }
            ascii &= ch < 0x80;
        }
        if (ascii) {
            return s;
        }
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) s.charAt(i);
        }
        try {
            utf8.reset();
            return utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // REPLACE never throws; keep the bytes as Latin-1 if it ever did.
            return s;
        }
    }

    /** Replaces unpaired surrogates, which JSON text in UTF-8 cannot carry. */
    private static String wellFormed(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean lone = Character.isHighSurrogate(ch)
                    ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                    : Character.isLowSurrogate(ch) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
            if (lone && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (b != null) {
                b.append(lone ? '\uFFFD' : ch);
            }
        }
        return b == null ? s : b.toString();
    }
}
