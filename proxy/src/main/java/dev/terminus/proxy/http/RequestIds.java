package dev.terminus.proxy.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Names each request so that the client, the proxy and the backend can tell it apart: the id
 * goes to the backend in {@code header} and back to the client on the response, proxy errors
 * included. Immutable; validated on construction.
 *
 * @param header   the header field that carries the id (default {@code X-Request-Id})
 * @param preserve keep a well-formed id the client sent instead of replacing it (Envoy's
 *                 {@code preserve_external_request_id}); off by default, because a client could
 *                 then make its requests look like someone else's in the logs
 */
public record RequestIds(String header, boolean preserve) {

    public static final String DEFAULT_HEADER = "X-Request-Id";
    /** Longest incoming id kept with {@code preserve}; UUIDs and trace ids fit easily. */
    static final int MAX_PRESERVED_LENGTH = 128;

    /** Fields the proxy owns or that frame the message; an id header must not overwrite them. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect", "x-forwarded-for",
            "x-forwarded-proto", "x-forwarded-port", "x-terminus-error");
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    public RequestIds {
        if (header == null || header.isEmpty() || header.length() > 64 || !isToken(header)) {
            throw new IllegalArgumentException("header: '" + header
                    + "' (expected: a header field name, 1 to 64 letters, digits or !#$%&'*+-.^_`|~)");
        }
        if (RESERVED.contains(header.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header: '" + header + "' (expected: a field the proxy does not "
                    + "set or need for framing, such as X-Request-Id)");
        }
    }

    /** Returns {@code X-Request-Id}, always generated. */
    public static RequestIds defaults() {
        return new RequestIds(DEFAULT_HEADER, false);
    }

    /**
     * Returns the id for a request with these headers: the client's if kept, else a new one (an
     * {@link AsciiString}, which the HTTP encoders copy as bytes).
     */
    CharSequence resolve(HttpHeaders headers, AsciiString headerName) {
        if (preserve) {
            String incoming = headers.get(headerName);
            if (incoming != null && wellFormed(incoming)) {
                return incoming;
            }
        }
        return generateAscii();
    }

    /** Returns {@link #header()} as the name the hot path looks up and sets (hashed once). */
    AsciiString headerName() {
        return new AsciiString(header);
    }

    /**
     * Returns 128 random bits as 32 lower-case hex digits, like nginx's {@code $request_id}. The
     * thread's own generator takes no lock; ids need to be unique, not unguessable, so SecureRandom
     * (which may block or contend) is not needed.
     */
    static String generate() {
        return generateAscii().toString();
    }

    /** Same as {@link #generate()}, as one byte array wrapped without a copy. */
    static AsciiString generateAscii() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] out = new byte[32];
        hex(random.nextLong(), out, 0);
        hex(random.nextLong(), out, 16);
        return new AsciiString(out, false);
    }

    private static void hex(long bits, byte[] out, int at) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
    }

    /** Tells whether an incoming id may be kept: 1 to 128 visible ASCII characters, nothing else. */
    static boolean wellFormed(CharSequence id) {
        int n = id.length();
        if (n == 0 || n > MAX_PRESERVED_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 5.6.2: token = 1*tchar. */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
