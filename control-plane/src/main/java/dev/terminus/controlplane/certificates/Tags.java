package dev.terminus.controlplane.certificates;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Validates tags with ACM's limits: keys 1–128 characters, values 0–256, at most 50 per certificate. */
final class Tags {

    static final int MAX_TAGS = 50;
    private static final int MAX_KEY = 128;
    private static final int MAX_VALUE = 256;
    // ACM's tag character set: letters, separators, digits and _ . : / = + - @
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    private Tags() {
    }

    /** Returns a sorted copy of {@code tags} after checking every key and value. */
    static Map<String, String> check(String field, Map<String, String> tags) {
        if (tags == null) {
            return Map.of();
        }
        if (tags.size() > MAX_TAGS) {
            throw CertificateException.invalid(field, tags.size() + " tags", "at most " + MAX_TAGS);
        }
        Map<String, String> sorted = new TreeMap<>();
        tags.forEach((key, value) -> {
            if (key == null || key.isEmpty() || key.length() > MAX_KEY || !ALLOWED.matcher(key).matches()) {
                throw CertificateException.invalid(field + " key", key, "1 to " + MAX_KEY
                        + " letters, digits, spaces or _ . : / = + - @");
            }
            if (value == null || value.length() > MAX_VALUE || !ALLOWED.matcher(value).matches()) {
                throw CertificateException.invalid(field + "[" + key + "]", value, "0 to " + MAX_VALUE
                        + " letters, digits, spaces or _ . : / = + - @");
            }
            sorted.put(key, value);
        });
        return Map.copyOf(sorted);
    }

    /** Returns the tag keys after checking each is a plausible key. */
    static Set<String> checkKeys(String field, Collection<String> keys) {
        if (keys == null || keys.isEmpty()) {
            throw CertificateException.invalid(field, keys, "at least one tag key");
        }
        for (String key : keys) {
            if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
                throw CertificateException.invalid(field, key, "tag keys of 1 to " + MAX_KEY + " characters");
            }
        }
        return Set.copyOf(keys);
    }
}
