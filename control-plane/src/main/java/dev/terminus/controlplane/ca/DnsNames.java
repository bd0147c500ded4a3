package dev.terminus.controlplane.ca;

import java.util.Locale;

/**
 * Normalises and validates the DNS names a certificate may carry, following ACM's rules: fully
 * qualified LDH names (RFC 1035 §2.3.1, RFC 5890 A-labels for internationalised names), and a
 * wildcard only as the whole leftmost label of a name with at least two more labels.
 */
final class DnsNames {

    // RFC 1035 §2.3.4: 255 octets on the wire, i.e. 253 characters in text form without the root dot.
    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    private DnsNames() {
    }

    /** Returns {@code value} in lower case without a trailing dot; does not validate. */
    static String normalize(String value) {
        String name = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the normalised form of {@code value} if it is a valid name for a certificate, or
     * refuses it with a message naming {@code field}, the value and the rule it breaks.
     */
    static String check(String field, String value) {
        if (value == null) {
            throw CaException.invalid(field, null, "a DNS name");
        }
        String name = normalize(value);
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw CaException.invalid(field, value, "a DNS name of 1 to " + MAX_NAME_LENGTH + " characters");
        }
        String[] labels = name.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            checkLabel(field, value, labels[i], i);
        }
        if (labels[0].equals("*") && labels.length < 3) {
            // No public-suffix list here: refusing *.<single label> rules out *.com, *.local and bare *.
            // *.co.uk still passes; the private CA only serves names its owners chose.
            throw CaException.invalid(field, value,
                    "a wildcard under a domain of at least two labels, e.g. *.example.com, not *.com");
        }
        if (labels.length < 2) {
            throw CaException.invalid(field, value, "a fully qualified name of at least two labels, e.g. www.example.com");
        }
        if (labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9')) {
            // RFC 3696 §2: top-level labels are never all-numeric; this is what keeps IPv4 addresses out.
            throw CaException.invalid(field, value, "a DNS name, not an IP address");
        }
        return name;
    }

    private static void checkLabel(String field, String value, String label, int index) {
        if (label.contains("*")) {
            if (index != 0 || !label.equals("*")) {
                throw CaException.invalid(field, value, "a wildcard only as the whole leftmost label, e.g. *.example.com");
            }
            return;
        }
        if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
            throw CaException.invalid(field, value, "labels of 1 to " + MAX_LABEL_LENGTH + " characters");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                throw CaException.invalid(field, value,
                        "letters, digits and hyphens only (punycode xn-- labels for internationalised names)");
            }
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            throw CaException.invalid(field, value, "labels that neither start nor end with a hyphen");
        }
    }
}
