package dev.terminus.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads HTTP/1.1 responses off a raw socket, for tests that write requests by hand. */
public final class RawResponses {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: (\\d+)");

    private RawResponses() {
    }

    /**
     * Reads one response head and the Content-Length body after it (none without the field), as
     * US-ASCII text; fails if the stream ends within the head.
     */
    public static String readOne(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        Matcher m = CONTENT_LENGTH.matcher(text);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return text + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
