package dev.terminus.controlplane.api;

import dev.terminus.controlplane.tokens.Role;
import java.util.List;
import java.util.Map;

/**
 * Describes one endpoint: method, path template ({@code {name}} matches one path segment, URL-decoded,
 * optionally followed by a literal suffix such as {@code {region}.crl}), the role it needs (null:
 * public), the operation name the audit log records (null: not audited) and the handler.
 */
record Route(String method, String template, Role role, String operation, Handler handler) {

    /** Handles a matched request; runs on an API worker thread and may block. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request);
    }

    /** Returns the path parameters when {@code segments} (raw, still encoded) match the template, else null. */
    Map<String, String> match(List<String> segments) {
        String[] parts = template.substring(1).split("/");
        if (parts.length != segments.size()) {
            return null;
        }
        Map<String, String> parameters = new java.util.HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            String segment = segments.get(i);
            if (part.startsWith("{")) {
                int close = part.indexOf('}');
                String suffix = part.substring(close + 1);
                if (!segment.endsWith(suffix) || segment.length() == suffix.length()) {
                    return null;
                }
                parameters.put(part.substring(1, close), PercentDecoder.decode(segment.substring(0, segment.length() - suffix.length())));
            } else if (!part.equals(segment)) {
                return null;
            }
        }
        return parameters;
    }
}
