package dev.terminus.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of a parsed YAML tree while tracking the key path, so that every error
 * names the file and the exact key ({@code listeners[0].port}).
 */
final class YamlNode {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final String file;
    private final String path;
    private final JsonNode node;

    YamlNode(String file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    String path() {
        return path;
    }

    /** Returns this node as a non-empty string, for lists of plain values. */
    String asString(String expected) throws ConfigException {
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new ConfigException(file + ": " + path + ": " + node + " (expected: " + expected + ")");
        }
        return node.asText();
    }

    ConfigException error(String key, Object value, String expected) {
        return new ConfigException(file + ": " + child(key) + ": " + value + " (expected: " + expected + ")");
    }

    ConfigException error(String message) {
        return new ConfigException(file + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Refuses keys other than the given ones, naming the unknown key; catches typos early. */
    void onlyKeys(Set<String> allowed) throws ConfigException {
        if (!node.isObject()) {
            throw error("expected a mapping, found " + node.getNodeType().toString().toLowerCase());
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ConfigException(file + ": " + child(name) + ": unknown key (expected one of: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    YamlNode object(String key) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw error(key, v, "a mapping");
        }
        return new YamlNode(file, child(key), v);
    }

    List<YamlNode> list(String key) throws ConfigException {
        JsonNode v = node.get(key);
        List<YamlNode> out = new ArrayList<>();
        // A key written with no value ("targets:") reads as an empty string: an empty list, as null is.
        if (v == null || v.isNull() || v.isTextual() && v.asText().isEmpty()) {
            return out;
        }
        if (!v.isArray()) {
            throw error(key, v, "a list");
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(new YamlNode(file, child(key) + "[" + i + "]", v.get(i)));
        }
        return out;
    }

    /** Reads a list of strings; a single string counts as a list of one. */
    List<String> strings(String key) throws ConfigException {
        JsonNode v = node.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isValueNode() && !v.isBinary()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw error(key, v, "a string or a list of strings");
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isValueNode() || e.isNull() || e.isBinary()) {
                throw error(key + "[" + i + "]", e, "a string");
            }
            out.add(e.asText());
        }
        return out;
    }

    String string(String key, String defaultValue) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw error(key, v, "a string");
        }
        return v.asText();
    }

    String requiredString(String key) throws ConfigException {
        String s = string(key, null);
        if (s == null || s.isBlank()) {
            throw new ConfigException(file + ": " + child(key) + ": missing (expected: a non-empty string)");
        }
        return s;
    }

    int integer(String key, int defaultValue, int min, int max) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw error(key, v, "an integer from " + min + " to " + max);
        }
        int i = v.intValue();
        if (i < min || i > max) {
            throw error(key, i, "an integer from " + min + " to " + max);
        }
        return i;
    }

    int requiredInteger(String key, int min, int max) throws ConfigException {
        if (!has(key)) {
            throw new ConfigException(file + ": " + child(key) + ": missing (expected: an integer from "
                    + min + " to " + max + ")");
        }
        return integer(key, 0, min, max);
    }

    boolean bool(String key, boolean defaultValue) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            throw error(key, v, "true or false");
        }
        return v.booleanValue();
    }

    Duration duration(String key, Duration defaultValue, Duration min, Duration max) throws ConfigException {
        String s = string(key, null);
        if (s == null) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(s.trim());
        String expected = "a duration such as 500ms, 10s, 2m or 1h, from " + min + " to " + max;
        if (!m.matches()) {
            throw error(key, "'" + s + "'", expected);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw error(key, "'" + s + "'", expected);
        }
        return d;
    }
}
