package dev.terminus.proxy.accesslog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes access-log entries as JSON lines (one object per line, UTF-8) straight into a byte
 * buffer: field names are encoded once, numbers and times are written as digits in place, and
 * strings are escaped as JSON requires (quote, backslash and control characters; the rest of
 * UTF-8 as is). Request strings arrive one char per byte, as the HTTP codecs decode them; their
 * bytes are logged as UTF-8 text when they are UTF-8, and read with U+FFFD for each bad byte when
 * they are not, so a UTF-8 path is logged as its text, not as mojibake. Owned by the writer
 * thread; not thread-safe.
 */
final class AccessLogFormat implements AutoCloseable {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = ascii("null");
    /** U+FFFD in UTF-8, for an unpaired surrogate. */
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
    /** What each ASCII character becomes in a JSON string: 0 as itself, else the escape's second character or 'u'. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\n'] = 'n';
        ESCAPE['\f'] = 'f';
        ESCAPE['\r'] = 'r';
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
    }

    // Each field's separator and quoted name, encoded once.
    private static final byte[] F_TIME = ascii("{\"time\":");
    private static final byte[] F_LISTENER = field("listener");
    private static final byte[] F_CLIENT = field("client");
    private static final byte[] F_CLIENT_PORT = field("client_port");
    private static final byte[] F_SNI = field("sni");
    private static final byte[] F_HOST = field("host");
    private static final byte[] F_METHOD = field("method");
    private static final byte[] F_PATH = field("path");
    private static final byte[] F_QUERY = field("query");
    private static final byte[] F_HTTP_VERSION = field("http_version");
    private static final byte[] F_STATUS = field("status");
    private static final byte[] F_BYTES_IN = field("bytes_in");
    private static final byte[] F_BYTES_OUT = field("bytes_out");
    private static final byte[] F_TARGET = field("target");
    private static final byte[] F_TARGET_GROUP = field("target_group");
    private static final byte[] F_TLS_PROTOCOL = field("tls_protocol");
    private static final byte[] F_TLS_CIPHER = field("tls_cipher");
    private static final byte[] F_HANDSHAKE_MS = field("handshake_ms");
    private static final byte[] F_CONNECT_MS = field("connect_ms");
    private static final byte[] F_RESPONSE_MS = field("response_ms");
    private static final byte[] F_DURATION_MS = field("duration_ms");
    private static final byte[] F_ERROR = field("error");
    private static final byte[] F_REQUEST_ID = field("request_id");
    private static final byte[] END_OF_LINE = ascii("}\n");

    /** A line is written in one piece when the buffer has this much room; longer ones grow it. */
    private static final int BUFFER_SIZE = 64 * 1024;

    private final OutputStream out;
    private byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private long cachedSecond = Long.MIN_VALUE;
    /** The cached second's {@code "uuuu-MM-ddTHH:mm:ss.} with its opening quote, in ASCII. */
    private byte[] cachedPrefix;
    /** The last line's connection and its client address as text: consecutive lines often share one. */
    private AccessLogEntry.Connection lastConnection;
    private String lastClient;
    /** The last line's target and its {@code host:port} text. */
    private String lastTargetHost;
    private int lastTargetPort;
    private String lastTarget;

    /** Writes to {@code out}, which it neither closes nor owns. */
    AccessLogFormat(OutputStream out) {
        this.out = out;
    }

    /** Appends one line; it reaches the stream when the buffer fills or at {@link #flush}. */
    void write(AccessLogEntry e) throws IOException {
        AccessLogEntry.Connection c = e.connection();
        String uri = e.uri();
        // Room for the fixed part and the worst case of every string (6 bytes per char: a control character escaped).
        int strings = length(c.listener()) + length(c.sni()) + length(e.host()) + length(e.method()) + length(uri)
                + length(e.httpVersion()) + length(e.targetHost()) + length(e.targetGroup()) + length(c.tlsProtocol())
                + length(c.tlsCipher()) + length(e.error()) + length(e.requestId()) + 64;
        reserve(1024 + 6 * strings);

        raw(F_TIME);
        writeTime(e.timeMillis());
        string(F_LISTENER, c.listener());
        InetSocketAddress client = c.client();
        if (c != lastConnection) {
            lastConnection = c;
            lastClient = client == null ? null : ip(client);
        }
        string(F_CLIENT, lastClient);
        raw(F_CLIENT_PORT);
        if (client == null) {
            raw(NULL);
        } else {
            number(client.getPort());
        }
        string(F_SNI, c.sni());
        wire(F_HOST, e.host(), 0, length(e.host()));
        wire(F_METHOD, e.method(), 0, length(e.method()));
        int q = uri == null ? -1 : uri.indexOf('?');
        wire(F_PATH, uri, 0, q < 0 ? length(uri) : q);
        if (q < 0) {
            string(F_QUERY, null);
        } else {
            wire(F_QUERY, uri, q + 1, uri.length());
        }
        string(F_HTTP_VERSION, e.httpVersion());
        raw(F_STATUS);
        number(e.status());
        raw(F_BYTES_IN);
        number(e.bytesIn());
        raw(F_BYTES_OUT);
        number(e.bytesOut());
        string(F_TARGET, target(e.targetHost(), e.targetPort()));
        string(F_TARGET_GROUP, e.targetGroup());
        string(F_TLS_PROTOCOL, c.tlsProtocol());
        string(F_TLS_CIPHER, c.tlsCipher());
        millis(F_HANDSHAKE_MS, c.handshakeNanos());
        millis(F_CONNECT_MS, e.connectNanos());
        millis(F_RESPONSE_MS, e.responseNanos());
        millis(F_DURATION_MS, e.durationNanos());
        string(F_ERROR, e.error());
        wire(F_REQUEST_ID, e.requestId(), 0, length(e.requestId()));
        raw(END_OF_LINE);
    }

    /** Pushes the buffered lines to the stream, and flushes the stream. */
    void flush() throws IOException {
        drain();
        out.flush();
    }

    /** Flushes; the stream stays open (it is not this formatter's). */
    @Override
    public void close() throws IOException {
        flush();
    }

    /** Formats epoch milliseconds as ISO-8601 UTC with milliseconds, e.g. {@code 2025-01-02T03:04:05.006Z}. */
    String time(long millis) throws IOException {
        reserve(64);
        int start = pos;
        writeTime(millis);
        String text = new String(buf, start + 1, pos - start - 2, StandardCharsets.US_ASCII);
        pos = start;
        return text;
    }

    /** Writes {@code "<time>"}; only a new second formats a date. */
    private void writeTime(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != cachedSecond) {
            cachedPrefix = ascii("\"" + SECONDS.format(Instant.ofEpochSecond(second)));
            cachedSecond = second;
        }
        raw(cachedPrefix);
        int ms = (int) Math.floorMod(millis, 1000);
        byte[] b = buf;
        int at = pos;
        b[at] = (byte) ('0' + ms / 100);
        b[at + 1] = (byte) ('0' + ms / 10 % 10);
        b[at + 2] = (byte) ('0' + ms % 10);
        b[at + 3] = 'Z';
        b[at + 4] = '"';
        pos = at + 5;
    }

    /** Writes a string the proxy made (names from the configuration, TLS names): null, or its UTF-8 text. */
    private void string(byte[] field, String value) {
        raw(field);
        if (value == null) {
            raw(NULL);
            return;
        }
        utf16(value, 0, value.length());
    }

    /**
     * Writes chars {@code from} to {@code to} of a string as the codecs hand it over (one char per
     * byte): null, or the text those bytes spell in UTF-8.
     */
    private void wire(byte[] field, String value, int from, int to) {
        raw(field);
        if (value == null) {
            raw(NULL);
            return;
        }
        int start = pos;
        buf[pos++] = '"';
        for (int i = from; i < to; i++) {
            char ch = value.charAt(i);
            if (ch >= 0x80) {
                // Rare: non-ASCII bytes, or a string that did not come from a codec.
                pos = start;
                utf16(text(value.substring(from, to)), 0, -1);
                return;
            }
            ascii(ch);
        }
        buf[pos++] = '"';
    }

    /** Writes a quoted, escaped string of chars {@code from} to {@code to} ({@code -1}: the end) in UTF-8. */
    private void utf16(String s, int from, int to) {
        int end = to < 0 ? s.length() : to;
        byte[] b = buf;
        b[pos++] = '"';
        for (int i = from; i < end; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                ascii(ch);
            } else if (ch < 0x800) {
                b[pos++] = (byte) (0xC0 | ch >> 6);
                b[pos++] = (byte) (0x80 | ch & 0x3F);
            } else if (Character.isSurrogate(ch)) {
                if (Character.isHighSurrogate(ch) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(ch, s.charAt(++i));
                    b[pos++] = (byte) (0xF0 | cp >> 18);
                    b[pos++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    b[pos++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    b[pos++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    raw(REPLACEMENT); // JSON text in UTF-8 cannot carry an unpaired surrogate
                }
            } else {
                b[pos++] = (byte) (0xE0 | ch >> 12);
                b[pos++] = (byte) (0x80 | ch >> 6 & 0x3F);
                b[pos++] = (byte) (0x80 | ch & 0x3F);
            }
        }
        b[pos++] = '"';
    }

    /** Writes one ASCII char, escaped where JSON requires it. */
    private void ascii(char ch) {
        byte[] b = buf;
        byte escape = ESCAPE[ch];
        if (escape == 0) {
            b[pos++] = (byte) ch;
        } else if (escape != 'u') {
            b[pos++] = '\\';
            b[pos++] = escape;
        } else {
            b[pos++] = '\\';
            b[pos++] = 'u';
            b[pos++] = '0';
            b[pos++] = '0';
            b[pos++] = HEX[ch >> 4];
            b[pos++] = HEX[ch & 0xF];
        }
    }

    /**
     * Writes nanoseconds as milliseconds with microsecond precision, or null when negative. Plain
     * decimal text: never the 1.0E7 notation Double.toString would switch to for long requests.
     */
    private void millis(byte[] field, long nanos) {
        raw(field);
        if (nanos < 0) {
            raw(NULL);
            return;
        }
        long micros = nanos / 1000;
        number(micros / 1000);
        int frac = (int) (micros % 1000);
        byte[] b = buf;
        b[pos] = '.';
        b[pos + 1] = (byte) ('0' + frac / 100);
        b[pos + 2] = (byte) ('0' + frac / 10 % 10);
        b[pos + 3] = (byte) ('0' + frac % 10);
        pos += 4;
    }

    /** Writes a whole number in decimal. */
    private void number(long n) {
        if (n < 0) {
            if (n == Long.MIN_VALUE) {
                raw(ascii(Long.toString(n)));
                return;
            }
            buf[pos++] = '-';
            n = -n;
        }
        int digits = 1;
        for (long t = n; t >= 10; t /= 10) {
            digits++;
        }
        int at = pos + digits;
        pos = at;
        do {
            buf[--at] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n > 0);
    }

    private void raw(byte[] bytes) {
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    /** Makes room for {@code n} more bytes: writes out what is buffered, and grows the buffer for a longer line. */
    private void reserve(int n) throws IOException {
        if (buf.length - pos >= n) {
            return;
        }
        drain();
        if (buf.length < n) {
            buf = new byte[n];
        }
    }

    private void drain() throws IOException {
        if (pos > 0) {
            int n = pos;
            pos = 0;
            out.write(buf, 0, n);
        }
        if (buf.length > BUFFER_SIZE) {
            buf = new byte[BUFFER_SIZE]; // a huge line was written: give its room back
        }
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
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
                return s; // not a byte string (already decoded somewhere): written as its text
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

    private static byte[] field(String name) {
        return ascii(",\"" + name + "\":");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
