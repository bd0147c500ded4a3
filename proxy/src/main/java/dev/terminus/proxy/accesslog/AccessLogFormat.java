package dev.terminus.proxy.accesslog;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;

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

    // Field names quoted and encoded once: Jackson copies their bytes instead of escaping each time.
    private static final SerializedString F_TIME = new SerializedString("time");
    private static final SerializedString F_LISTENER = new SerializedString("listener");
    private static final SerializedString F_CLIENT = new SerializedString("client");
    private static final SerializedString F_CLIENT_PORT = new SerializedString("client_port");
    private static final SerializedString F_SNI = new SerializedString("sni");
    private static final SerializedString F_HOST = new SerializedString("host");
    private static final SerializedString F_METHOD = new SerializedString("method");
    private static final SerializedString F_PATH = new SerializedString("path");
    private static final SerializedString F_QUERY = new SerializedString("query");
    private static final SerializedString F_HTTP_VERSION = new SerializedString("http_version");
    private static final SerializedString F_STATUS = new SerializedString("status");
    private static final SerializedString F_BYTES_IN = new SerializedString("bytes_in");
    private static final SerializedString F_BYTES_OUT = new SerializedString("bytes_out");
    private static final SerializedString F_TARGET = new SerializedString("target");
    private static final SerializedString F_TARGET_GROUP = new SerializedString("target_group");
    private static final SerializedString F_TLS_PROTOCOL = new SerializedString("tls_protocol");
    private static final SerializedString F_TLS_CIPHER = new SerializedString("tls_cipher");
    private static final SerializedString F_HANDSHAKE_MS = new SerializedString("handshake_ms");
    private static final SerializedString F_CONNECT_MS = new SerializedString("connect_ms");
    private static final SerializedString F_RESPONSE_MS = new SerializedString("response_ms");
    private static final SerializedString F_DURATION_MS = new SerializedString("duration_ms");
    private static final SerializedString F_ERROR = new SerializedString("error");
    private static final SerializedString F_REQUEST_ID = new SerializedString("request_id");

    private final JsonGenerator json;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix;
    /** {@code time}'s text: the cached second's prefix, then milliseconds and 'Z' written in place. */
    private final char[] timeText = new char[64];
    private int timeLength;
    /** Scratch for the decimal text of a duration; the longest long in milliseconds fits. */
    private final char[] number = new char[32];
    /** The last line's connection and its client address as text: consecutive lines often share one. */
    private AccessLogEntry.Connection lastConnection;
    private String lastClient;
    /** The last line's target and its {@code host:port} text. */
    private String lastTargetHost;
    private int lastTargetPort;
    private String lastTarget;

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
        json.writeFieldName(F_TIME);
        formatTime(e.timeMillis());
        json.writeString(timeText, 0, timeLength);
        string(F_LISTENER, c.listener());
        InetSocketAddress client = c.client();
        if (c != lastConnection) {
            lastConnection = c;
            lastClient = client == null ? null : ip(client);
        }
        string(F_CLIENT, lastClient);
        json.writeFieldName(F_CLIENT_PORT);
        if (client == null) {
            json.writeNull();
        } else {
            json.writeNumber(client.getPort());
        }
        string(F_SNI, c.sni());
        string(F_HOST, text(e.host()));
        string(F_METHOD, text(e.method()));
        String uri = e.uri();
        int q = uri == null ? -1 : uri.indexOf('?');
        string(F_PATH, text(q < 0 ? uri : uri.substring(0, q)));
        string(F_QUERY, q < 0 ? null : text(uri.substring(q + 1)));
        string(F_HTTP_VERSION, e.httpVersion());
        json.writeFieldName(F_STATUS);
        json.writeNumber(e.status());
        json.writeFieldName(F_BYTES_IN);
        json.writeNumber(e.bytesIn());
        json.writeFieldName(F_BYTES_OUT);
        json.writeNumber(e.bytesOut());
        string(F_TARGET, target(e.targetHost(), e.targetPort()));
        string(F_TARGET_GROUP, e.targetGroup());
        string(F_TLS_PROTOCOL, c.tlsProtocol());
        string(F_TLS_CIPHER, c.tlsCipher());
        millis(F_HANDSHAKE_MS, c.handshakeNanos());
        millis(F_CONNECT_MS, e.connectNanos());
        millis(F_RESPONSE_MS, e.responseNanos());
        millis(F_DURATION_MS, e.durationNanos());
        string(F_ERROR, e.error());
        string(F_REQUEST_ID, text(e.requestId()));
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
        formatTime(millis);
        return new String(timeText, 0, timeLength);
    }

    /** Puts {@link #time}'s text in {@link #timeText}; only a new second formats a date. */
    private void formatTime(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != cachedSecond) {
            cachedPrefix = SECONDS.format(Instant.ofEpochSecond(second));
            cachedSecond = second;
            cachedPrefix.getChars(0, cachedPrefix.length(), timeText, 0);
        }
        int at = cachedPrefix.length();
        int ms = (int) Math.floorMod(millis, 1000);
        timeText[at] = (char) ('0' + ms / 100);
        timeText[at + 1] = (char) ('0' + ms / 10 % 10);
        timeText[at + 2] = (char) ('0' + ms % 10);
        timeText[at + 3] = 'Z';
        timeLength = at + 4;
    }

    private void string(SerializedString field, String value) throws IOException {
        json.writeFieldName(field);
        if (value == null) {
            json.writeNull();
        } else {
            json.writeString(value);
        }
    }

    /**
     * Writes nanoseconds as milliseconds with microsecond precision, or null when negative. Plain
     * decimal text, written from a scratch buffer: Double.toString would switch to 1.0E7 notation
     * for long requests, and building a String per duration cost four per line.
     */
    private void millis(SerializedString field, long nanos) throws IOException {
        json.writeFieldName(field);
        if (nanos < 0) {
            json.writeNull();
            return;
        }
        long micros = nanos / 1000;
        int end = number.length;
        int at = end;
        long frac = micros % 1000;
        for (int i = 0; i < 3; i++) {
            number[--at] = (char) ('0' + frac % 10);
            frac /= 10;
        }
        number[--at] = '.';
        long whole = micros / 1000;
        do {
            number[--at] = (char) ('0' + whole % 10);
            whole /= 10;
        } while (whole > 0);
        json.writeNumber(number, at, end - at);
    }

    /** Returns {@code host:port} of a target ({@code [host]:port} for IPv6), or null; the last one is kept. */
    private String target(String host, int port) {
        if (host == null) {
            return null;
        }
        if (port != lastTargetPort || !host.equals(lastTargetHost)) {
            lastTargetHost = host;
            lastTargetPort = port;
            lastTarget = hostPort(host, port);
        }
        return lastTarget;
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
