package dev.terminus.proxy.tls;

import java.net.IDN;

/**
 * Normalises host names the same way on insert and on lookup: lower case, no trailing dot,
 * internationalised names as ASCII (A-labels, RFC 5890). SNI carries A-labels already
 * (RFC 6066 section 3), so lookups take a fast path that allocates nothing for the common case.
 */
public final class HostNames {
    private HostNames() {
    }

    /**
     * Returns the normalised form of a name from SNI or a Host header, or {@code null} if it is
     * not a usable DNS name. Never throws.
     */
    public static String normalize(String name) {
        if (name == null) {
            return null;
        }
        int len = name.length();
        if (len > 0 && name.charAt(len - 1) == '.') {
            len--;
        }
        if (len == 0 || len > 253) {
            return null;
        }
        boolean clean = true;
        for (int i = 0; i < len; i++) {
            char c = name.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '*') {
                continue;
            }
            clean = false;
            break;
        }
        if (clean) {
            return len == name.length() ? name : name.substring(0, len);
        }
        try {
            String ascii = IDN.toASCII(name.substring(0, len), IDN.ALLOW_UNASSIGNED);
            ascii = ascii.toLowerCase(java.util.Locale.ROOT);
            return ascii.isEmpty() ? null : ascii;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Returns whether a normalised name is a one-label wildcard such as {@code *.example.com}. */
    public static boolean isWildcard(String normalized) {
        return normalized.length() > 2 && normalized.charAt(0) == '*' && normalized.charAt(1) == '.';
    }
}
