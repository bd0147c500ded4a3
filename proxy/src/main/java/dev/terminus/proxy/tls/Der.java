package dev.terminus.proxy.tls;

import java.util.Arrays;

/**
 * Walks DER (X.690) one element at a time over a byte range, without building objects for the
 * elements it skips. Enough for the few fields the proxy reads from a certificate and a key;
 * BoringSSL (or the JDK on the fallback provider) parses the whole structure strictly when it
 * builds key material, so this reader only has to be right about what it extracts.
 *
 * <p>Single-byte tags only (every tag in X.509 and PKCS#8 is one); definite lengths only, as
 * DER requires. Malformed input throws {@link IllegalArgumentException}, which callers turn into
 * a {@link CertificateException} naming the file.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int PRINTABLE_STRING = 0x13;
    static final int T61_STRING = 0x14;
    static final int IA5_STRING = 0x16;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int BMP_STRING = 0x1e;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private final byte[] buf;
    private int pos;
    private final int limit;
    // The element last read: its tag, where its header starts and where its content starts.
    private int lastStart;
    private int lastContent;

    Der(byte[] buf) {
        this(buf, 0, buf.length);
    }

    private Der(byte[] buf, int from, int to) {
        this.buf = buf;
        this.pos = from;
        this.limit = to;
    }

    /** Returns a reader over the content of the only element in {@code der}, which must have the tag. */
    static Der single(byte[] der, int tag) {
        Der outer = new Der(der);
        Der inner = outer.read(tag);
        outer.end();
        return inner;
    }

    boolean more() {
        return pos < limit;
    }

    /** Returns the tag of the next element, or -1 at the end. */
    int peek() {
        return pos < limit ? buf[pos] & 0xff : -1;
    }

    /** Reads the next element, which must have the tag, and returns a reader over its content. */
    Der read(int tag) {
        int contentEnd = next(tag);
        Der inner = new Der(buf, lastContent, contentEnd);
        pos = contentEnd;
        return inner;
    }

    /** Skips the next element, which must have the tag. */
    void skip(int tag) {
        pos = next(tag);
    }

    /** Skips the next element if it has the tag; returns whether it did. */
    boolean skipIf(int tag) {
        if (peek() != tag) {
            return false;
        }
        skip(tag);
        return true;
    }

    /** Returns the content of the next element, which must have the tag. */
    byte[] bytes(int tag) {
        int contentEnd = next(tag);
        pos = contentEnd;
        return Arrays.copyOfRange(buf, lastContent, contentEnd);
    }

    /** Returns the whole next element (tag, length and content), which must have the tag. */
    byte[] element(int tag) {
        int contentEnd = next(tag);
        pos = contentEnd;
        return Arrays.copyOfRange(buf, lastStart, contentEnd);
    }

    /** Returns whether the next element has the tag and exactly the content {@code expected}. */
    boolean nextIs(int tag, byte[] expected) {
        if (peek() != tag) {
            return false;
        }
        int save = pos;
        int contentEnd = next(tag);
        pos = save;
        return Arrays.equals(buf, lastContent, contentEnd, expected, 0, expected.length);
    }

    /** Returns how many bytes remain. */
    int remaining() {
        return limit - pos;
    }

    /** Returns the byte {@code i} places after the current position, without moving. */
    int byteAt(int i) {
        return buf[pos + i] & 0xff;
    }

    /** Returns the whole of what remains, as one range of the underlying bytes. */
    byte[] rest() {
        return Arrays.copyOfRange(buf, pos, limit);
    }

    /** Fails unless every element has been read. */
    void end() {
        if (pos != limit) {
            throw new IllegalArgumentException("unexpected data after the end of a structure");
        }
    }

    /** Reads the header of the next element; returns where its content ends. */
    private int next(int tag) {
        if (pos >= limit) {
            throw new IllegalArgumentException("structure ends early (expected tag 0x" + Integer.toHexString(tag) + ")");
        }
        int actual = buf[pos] & 0xff;
        if (actual != tag) {
            throw new IllegalArgumentException("unexpected tag 0x" + Integer.toHexString(actual) + " (expected: 0x"
                    + Integer.toHexString(tag) + ")");
        }
        lastStart = pos;
        int p = pos + 1;
        if (p >= limit) {
            throw new IllegalArgumentException("truncated length");
        }
        int first = buf[p++] & 0xff;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7f;
            if (count == 0 || count > 4) {
                throw new IllegalArgumentException(count == 0 ? "indefinite length (expected: DER)"
                        : "length too large");
            }
            if (p + count > limit) {
                throw new IllegalArgumentException("truncated length");
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (buf[p++] & 0xff);
            }
        }
        if (length > limit - p) {
            throw new IllegalArgumentException("element longer than its container");
        }
        lastContent = p;
        return p + (int) length;
    }

    /** Encodes one element: the tag, the DER length, then the parts in order. */
    static byte[] encode(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        int lengthBytes = length < 0x80 ? 0 : length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
        byte[] out = new byte[2 + lengthBytes + length];
        out[0] = (byte) tag;
        if (lengthBytes == 0) {
            out[1] = (byte) length;
        } else {
            out[1] = (byte) (0x80 | lengthBytes);
            for (int i = 0; i < lengthBytes; i++) {
                out[2 + i] = (byte) (length >>> (8 * (lengthBytes - 1 - i)));
            }
        }
        int at = 2 + lengthBytes;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
