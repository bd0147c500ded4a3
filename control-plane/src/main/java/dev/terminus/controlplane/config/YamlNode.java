package dev.terminus.controlplane.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads typed values out of a parsed YAML mapping, tracking the key path so that errors name file and key. */
final class YamlNode {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final String file;
    private final String path;
    private final JsonNode node;

    YamlNode(String file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** Returns the refusal {@code "<file>: <key>: <value> (expected: ...)"}. */
    ConfigException error(String key, Object value, String expected) {
        return new ConfigException(file + ": " + child(key) + ": " + value + " (expected: " + expected + ")");
    }

    /** Refuses keys outside {@code allowed}, naming the unknown key: catches typos such as {@code data_dir}. */
    void onlyKeys(Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ConfigException(file + ": " + child(name) + ": unknown key (expected one of: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    /** Returns the mappings of the list under {@code key}; empty when absent. */
    java.util.List<YamlNode> objects(String key) {
        JsonNode value = present(key);
        java.util.List<YamlNode> out = new java.util.ArrayList<>();
        if (value == null) {
            return out;
        }
        if (!value.isArray()) {
            throw error(key, value, "a list of mappings");
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isObject()) {
                throw error(key + "[" + i + "]", value.get(i), "a mapping");
            }
            out.add(new YamlNode(file, child(key) + "[" + i + "]", value.get(i)));
        }
        return out;
    }

    /** Returns the mapping under {@code key}, or null when absent. */
    YamlNode object(String key) {
        JsonNode value = present(key);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw error(key, value, "a mapping");
        }
        return new YamlNode(file, child(key), value);
    }

    /** Returns the scalar under {@code key} as text, or {@code fallback} when absent. */
    String text(String key, String fallback) {
        JsonNode value = present(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw error(key, value, "a non-empty string");
        }
        return value.asText();
    }

    /** Returns the integer under {@code key} within [min, max], or {@code fallback} when absent. */
    int integer(String key, int fallback, int min, int max) {
        JsonNode value = present(key);
        if (value == null) {
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
            throw error(key, value, "an integer from " + min + " to " + max);
        }
        return value.asInt();
    }

    /** Returns the list of strings under {@code key}, or {@code fallback} when absent. */
    List<String> strings(String key, List<String> fallback) {
        JsonNode value = present(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isArray() || value.isEmpty()) {
            throw error(key, value, "a non-empty list, e.g. [us-east-1, eu-west-1]");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw error(key + "[" + i + "]", value.get(i), "a string");
            }
            out.add(value.get(i).asText());
        }
        return out;
    }

    /** Returns the duration under {@code key} ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 60d}), or the fallback. */
    Duration duration(String key, Duration fallback) {
        JsonNode value = present(key);
        if (value == null) {
            return fallback;
        }
        Matcher matcher = DURATION.matcher(value.asText().strip().toLowerCase(Locale.ROOT));
        if (!value.isTextual() || !matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw error(key, value, "a positive duration such as 30s, 5m, 1h or 60d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private JsonNode present(String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
