package dev.terminus.controlplane.api;

import dev.terminus.controlplane.tokens.ApiTokens.Caller;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Holds a routed request: decoded path parameters, decoded query parameters, the body and the authenticated caller (null on public routes). */
record Request(Map<String, String> path, Map<String, List<String>> query, byte[] body, Caller caller) {

    /** Returns path parameter {@code name}. */
    String path(String name) {
        return path.get(name);
    }

    /** Returns the single value of query parameter {@code name}, or null; refuses repeats. */
    String query(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.invalid(name + ": " + values + " (expected: one value)");
        }
        return values.get(0);
    }

    /** Returns every value of {@code name}, comma-separated lists split: {@code ?status=A,B&status=C}. */
    List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of()).stream().flatMap(v -> List.of(v.split(",")).stream())
                .map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    /** Returns the integer query parameter {@code name}, or null; refuses a non-integer. */
    Integer integer(String name) {
        String value = query(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name + ": \"" + value + "\" (expected: an integer)");
        }
    }

    /** Refuses query parameters outside {@code allowed}: a typo such as {@code ?stauts=} must not list everything. */
    void onlyQuery(Set<String> allowed) {
        for (String name : query.keySet()) {
            if (!allowed.contains(name)) {
                throw ApiException.invalid(name + ": unknown query parameter (expected one of: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }
}
