package dev.terminus.proxy.config;

import dev.terminus.proxy.http.HttpLimits;
import dev.terminus.proxy.http.RequestIds;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the {@code limits} and {@code request-id} sections; every key is optional. */
final class LimitsLoader {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})([kmg]?)");
    /** The largest body limit that can be set, 1024g; 0 (the default) means none. */
    static final long MAX_BODY_SIZE = 1L << 40;

    private LimitsLoader() {
    }

    static ProxyConfig.Limits limits(YamlNode root) throws ConfigException {
        ProxyConfig.Limits d = ProxyConfig.Limits.defaults();
        YamlNode l = root.object("limits");
        if (l == null) {
            return d;
        }
        l.onlyKeys(Set.of("max-connections", "handshake-timeout", "max-client-hello-bytes", "connect-timeout",
                "response-timeout", "idle-timeout", "request-header-timeout", "max-request-line", "max-header-size",
                "max-body-size", "shutdown-timeout"));
        HttpLimits h = d.http();
        HttpLimits http = new HttpLimits(
                // nginx refuses request lines over 8 KiB by default; 64 KiB covers any real URL.
                l.integer("max-request-line", h.maxInitialLineLength(), 256, 65_536),
                l.integer("max-header-size", h.maxHeaderSize(), 1_024, 1_048_576),
                size(l, "max-body-size", h.maxBodySize(), MAX_BODY_SIZE),
                millis(l, "connect-timeout", h.connectTimeoutMillis(), Duration.ofMillis(10), Duration.ofMinutes(5)),
                millis(l, "response-timeout", h.responseTimeoutMillis(), Duration.ofMillis(10), Duration.ofHours(1)),
                // ALB accepts 1 s to 4000 s; 100 ms is low enough for tests.
                millis(l, "idle-timeout", h.idleTimeoutMillis(), Duration.ofMillis(100), Duration.ofHours(1)),
                millis(l, "request-header-timeout", h.requestHeaderTimeoutMillis(), Duration.ofMillis(10),
                        Duration.ofHours(1)));
        return new ProxyConfig.Limits(
                l.integer("max-connections", d.maxConnections(), 1, 10_000_000),
                l.duration("handshake-timeout", d.handshakeTimeout(), Duration.ofMillis(100), Duration.ofMinutes(5)),
                // A ClientHello with post-quantum key shares and many extensions is ~2 KiB;
                // 512 bytes is the smallest real one, 64 KiB the most a TLS record chain should need.
                l.integer("max-client-hello-bytes", d.maxClientHelloBytes(), 512, 65_536),
                http,
                l.duration("shutdown-timeout", d.shutdownTimeout(), Duration.ZERO, Duration.ofHours(1)));
    }

    static RequestIds requestId(YamlNode root) throws ConfigException {
        YamlNode r = root.object("request-id");
        if (r == null) {
            return RequestIds.defaults();
        }
        r.onlyKeys(Set.of("header", "preserve"));
        String header = r.string("header", RequestIds.DEFAULT_HEADER);
        boolean preserve = r.bool("preserve", false);
        try {
            return new RequestIds(header, preserve);
        } catch (IllegalArgumentException e) {
            throw r.error("header", "'" + header + "'", expectedOf(e.getMessage()));
        }
    }

    private static int millis(YamlNode n, String key, int defaultMillis, Duration min, Duration max)
            throws ConfigException {
        return (int) n.duration(key, Duration.ofMillis(defaultMillis), min, max).toMillis();
    }

    /**
     * Reads a size in bytes: a plain number, or one with the suffix {@code k}, {@code m} or
     * {@code g} (powers of 1024, as nginx's {@code client_max_body_size}), from 0 to {@code max}.
     */
    static long size(YamlNode n, String key, long defaultValue, long max) throws ConfigException {
        String s = n.string(key, null);
        if (s == null) {
            return defaultValue;
        }
        String expected = "a size in bytes such as 1048576, 512k, 10m or 1g, from 0 (no limit) to 1024g";
        Matcher m = SIZE.matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw n.error(key, "'" + s + "'", expected);
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long value;
        try {
            value = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw n.error(key, "'" + s + "'", expected);
        }
        if (value > (max >> shift)) {
            throw n.error(key, "'" + s + "'", expected);
        }
        return value << shift;
    }

    /** Turns "name: value (expected: what)" into "what". */
    private static String expectedOf(String message) {
        int at = message.indexOf("(expected: ");
        return at < 0 ? message : message.substring(at + 11, message.length() - 1);
    }
}
