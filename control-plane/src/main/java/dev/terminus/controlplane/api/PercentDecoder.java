package dev.terminus.controlplane.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Decodes RFC 3986 percent-encoding in a path segment or query part; unlike form decoding, '+' stays '+'. */
final class PercentDecoder {

    private PercentDecoder() {
    }

    /** Returns {@code raw} decoded as UTF-8; refuses a broken escape with a 400. */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw ApiException.invalid("path: \"" + raw + "\" (expected: valid percent-encoding)");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw ApiException.invalid("path: \"" + raw + "\" (expected: valid percent-encoding)");
                }
                out.write(high * 16 + low);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
