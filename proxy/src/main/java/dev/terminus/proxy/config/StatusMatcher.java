package dev.terminus.proxy.config;

import java.util.BitSet;

/**
 * Says which HTTP status codes count as a healthy answer, written as ALB writes its health-check
 * matcher: single codes and ranges separated by commas ({@code "200"}, {@code "200,302"},
 * {@code "200-299"}). Immutable; equal when the spelling is equal.
 */
public final class StatusMatcher {
    private final String spec;
    private final BitSet codes;

    private StatusMatcher(String spec, BitSet codes) {
        this.spec = spec;
        this.codes = codes;
    }

    /** Parses a matcher; throws {@link IllegalArgumentException} naming what is expected. */
    public static StatusMatcher parse(String spec) {
        BitSet codes = new BitSet(600);
        for (String part : spec.split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-');
            int from = code(dash < 0 ? p : p.substring(0, dash), spec);
            int to = dash < 0 ? from : code(p.substring(dash + 1), spec);
            if (to < from) {
                throw new IllegalArgumentException(spec);
            }
            codes.set(from, to + 1);
        }
        return new StatusMatcher(spec, codes);
    }

    private static int code(String s, String spec) {
        try {
            int c = Integer.parseInt(s.trim());
            if (c < 200 || c > 499) {
                // ALB allows 200-499 for HTTP health checks: a 5xx is never healthy.
                throw new IllegalArgumentException(spec);
            }
            return c;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(spec, e);
        }
    }

    public boolean matches(int status) {
        return status >= 0 && status < 600 && codes.get(status);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatusMatcher m && m.spec.equals(spec);
    }

    @Override
    public int hashCode() {
        return spec.hashCode();
    }

    @Override
    public String toString() {
        return spec;
    }
}
