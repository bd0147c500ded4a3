package dev.terminus.proxy.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Splits PEM (RFC 7468) into its blocks and decodes them, working on the bytes of the file: no
 * character decoding, no line objects. Text outside blocks is ignored, as OpenSSL does. RFC 1421
 * headers inside a block (such as {@code Proc-Type: 4,ENCRYPTED}) are skipped and reported.
 * Stateless and thread-safe.
 */
final class Pem {
    private static final byte[] BEGIN = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "-----END ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DASHES = "-----".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED = "ENCRYPTED".getBytes(StandardCharsets.US_ASCII);

    /** One block: its type (e.g. {@code CERTIFICATE}), decoded content, and whether a header said ENCRYPTED. */
    record Block(String type, byte[] der, boolean encryptedHeader) {
    }

    private Pem() {
    }

    /**
     * Returns the blocks of {@code pem[0, length)} in order.
     *
     * @param scratch where base64 text is gathered; a new array is used if it is shorter than {@code length}
     * @throws IllegalArgumentException naming what is wrong: a block without its END line, or
     *                                  content that is not base64
     */
    static List<Block> blocks(byte[] pem, int length, byte[] scratch) {
        List<Block> out = new ArrayList<>(2);
        byte[] base64 = scratch.length >= length ? scratch : new byte[length];
        int pos = 0;
        while (true) {
            int begin = lineStartingWith(pem, pos, length, BEGIN);
            if (begin < 0) {
                return out;
            }
            int lineEnd = lineEnd(pem, begin, length);
            int typeStart = begin + BEGIN.length;
            int typeEnd = trimEnd(pem, typeStart, lineEnd);
            if (typeEnd - typeStart <= DASHES.length || !endsWith(pem, typeEnd, DASHES)) {
                throw new IllegalArgumentException("BEGIN line without a closing '-----'");
            }
            typeEnd -= DASHES.length;
            String type = new String(pem, typeStart, typeEnd - typeStart, StandardCharsets.US_ASCII);
            int n = 0;
            boolean encrypted = false;
            boolean ended = false;
            pos = next(lineEnd, length);
            while (pos < length) {
                // One pass over the line: copy what may be base64, note a ':' (a header), find its end.
                int start = n;
                boolean colon = false;
                int end = pos;
                for (; end < length; end++) {
                    byte c = pem[end];
                    if (c == '\n') {
                        break;
                    }
                    if (c == ':') {
                        colon = true;
                    } else if (c != ' ' && c != '\t' && c != '\r') {
                        base64[n++] = c;
                    }
                }
                if (pem[pos] == '-' && startsWith(pem, pos, end, END)) {
                    n = start;
                    int endType = pos + END.length;
                    if (!startsWith(pem, endType, end, pem, typeStart, typeEnd - typeStart)) {
                        throw new IllegalArgumentException("BEGIN " + type + " ends with '"
                                + new String(pem, pos, trimEnd(pem, pos, end) - pos, StandardCharsets.US_ASCII)
                                + "'");
                    }
                    pos = next(end, length);
                    ended = true;
                    break;
                }
                if (colon) {
                    // An RFC 1421 header such as "Proc-Type: 4,ENCRYPTED" or "DEK-Info: ...".
                    n = start;
                    encrypted |= indexOf(pem, pos, end, ENCRYPTED) >= 0;
                }
                pos = next(end, length);
            }
            if (!ended) {
                throw new IllegalArgumentException("-----END " + type + "----- not found");
            }
            byte[] der;
            try {
                ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(base64, 0, n));
                der = decoded.array().length == decoded.remaining() ? decoded.array()
                        : java.util.Arrays.copyOf(decoded.array(), decoded.remaining());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("content of " + type + " is not base64 (" + e.getMessage() + ")", e);
            }
            out.add(new Block(type, der, encrypted));
        }
    }

    /** Returns where the first line at or after {@code from} that starts with {@code prefix} starts, or -1. */
    private static int lineStartingWith(byte[] b, int from, int length, byte[] prefix) {
        int pos = from;
        while (pos < length) {
            int end = lineEnd(b, pos, length);
            if (startsWith(b, pos, end, prefix)) {
                return pos;
            }
            pos = next(end, length);
        }
        return -1;
    }

    private static int lineEnd(byte[] b, int from, int length) {
        int i = indexOf(b, from, length, (byte) '\n');
        return i < 0 ? length : i;
    }

    private static int next(int lineEnd, int length) {
        return Math.min(lineEnd + 1, length);
    }

    private static int trimEnd(byte[] b, int from, int end) {
        while (end > from && (b[end - 1] == '\r' || b[end - 1] == ' ' || b[end - 1] == '\t')) {
            end--;
        }
        return end;
    }

    private static boolean startsWith(byte[] b, int from, int end, byte[] prefix) {
        return startsWith(b, from, end, prefix, 0, prefix.length);
    }

    private static boolean startsWith(byte[] b, int from, int end, byte[] prefix, int prefixFrom, int prefixLength) {
        return end - from >= prefixLength
                && java.util.Arrays.equals(b, from, from + prefixLength, prefix, prefixFrom, prefixFrom + prefixLength);
    }

    private static boolean endsWith(byte[] b, int end, byte[] suffix) {
        return java.util.Arrays.equals(b, end - suffix.length, end, suffix, 0, suffix.length);
    }

    private static int indexOf(byte[] b, int from, int end, byte c) {
        for (int i = from; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int end, byte[] s) {
        for (int i = from; i + s.length <= end; i++) {
            if (java.util.Arrays.equals(b, i, i + s.length, s, 0, s.length)) {
                return i;
            }
        }
        return -1;
    }
}
