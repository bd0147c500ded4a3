package dev.terminus.proxy.http;

import java.util.Locale;
import java.util.Objects;

/**
 * Says what a listener does with a request. Immutable; part of the proxy's runtime snapshot.
 */
public sealed interface RouteAction
        permits RouteAction.Forward, RouteAction.Balanced, RouteAction.FixedResponse, RouteAction.Redirect {

    /** Forwards the request over HTTP/1.1 to one backend, with no health checks or balancing. */
    record Forward(String host, int port) implements RouteAction, UpstreamTarget {
        public Forward {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host: '' (expected: a host name or address)");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
            }
        }

        @Override
        public Forward address() {
            return this;
        }

        /** A plain forward keeps no statistics: its {@code requestFinished} ignores the time. */
        @Override
        public boolean timesRequests() {
            return false;
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** Forwards the request to a target chosen per request by {@code group}. */
    record Balanced(String name, UpstreamGroup group) implements RouteAction {
        public Balanced {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(group, "group");
        }
    }

    /** Answers every request itself, as ALB's {@code fixed-response} action does. */
    record FixedResponse(int status, String contentType, String body) implements RouteAction {
        public FixedResponse {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status: " + status + " (expected: 200-599)");
            }
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * Answers with a redirect built from templates, as ALB's {@code redirect} action does: each
     * part may use {@code #{protocol}}, {@code #{host}}, {@code #{port}}, {@code #{path}} (the
     * request path without its leading slash) and {@code #{query}} (without the {@code ?}).
     * A port that is the default of the target protocol is left out of the URL.
     *
     * @param status   301 (permanent) or 302 (found)
     * @param protocol {@code HTTP}, {@code HTTPS} or {@code #{protocol}}
     * @param host     host template
     * @param port     port template: digits or {@code #{port}}
     * @param path     path template, starting with {@code /}
     * @param query    query template, without {@code ?}; empty for none
     */
    record Redirect(int status, String protocol, String host, String port, String path, String query)
            implements RouteAction {
        public static final String PROTOCOL = "#{protocol}";

        public Redirect {
            if (status != 301 && status != 302) {
                throw new IllegalArgumentException("status: " + status + " (expected: 301 or 302)");
            }
            if (!protocol.equals("HTTP") && !protocol.equals("HTTPS") && !protocol.equals(PROTOCOL)) {
                throw new IllegalArgumentException("protocol: " + protocol + " (expected: HTTP, HTTPS or #{protocol})");
            }
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(query, "query");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
            }
        }

        /**
         * Returns the {@code Location} for a request.
         *
         * @param scheme the request's scheme, {@code http} or {@code https}
         * @param host   the request's host, without port
         * @param port   the listener port the request arrived on
         * @param path   the request path, starting with {@code /}
         * @param query  the request query without {@code ?}, or {@code ""}
         */
        public String location(String scheme, String host, int port, String path, String query) {
            String proto = (protocol.equals(PROTOCOL) ? scheme : protocol).toLowerCase(Locale.ROOT);
            String p = fill(this.port, scheme, host, port, path, query);
            String h = fill(this.host, scheme, host, port, path, query);
            String pa = fill(this.path, scheme, host, port, path, query);
            String q = fill(this.query, scheme, host, port, path, query);
            boolean defaultPort = (proto.equals("https") && p.equals("443")) || (proto.equals("http") && p.equals("80"));
            StringBuilder b = new StringBuilder(proto.length() + h.length() + pa.length() + q.length() + 16)
                    .append(proto).append("://").append(h);
            if (!defaultPort && !p.isEmpty()) {
                b.append(':').append(p);
            }
            b.append(pa);
            if (!q.isEmpty()) {
                b.append('?').append(q);
            }
            return b.toString();
        }

        /** Substitutes placeholders in one pass, so a value that looks like a placeholder stays literal. */
        private static String fill(String template, String scheme, String host, int port, String path, String query) {
            if (template.indexOf('#') < 0) {
                return template;
            }
            StringBuilder b = new StringBuilder(template.length() + 32);
            int i = 0;
            while (i < template.length()) {
                String value = null;
                int len = 0;
                for (String name : PLACEHOLDERS) {
                    if (template.startsWith(name, i)) {
                        len = name.length();
                        value = switch (name) {
                            case "#{protocol}" -> scheme.toUpperCase(Locale.ROOT);
                            case "#{host}" -> host;
                            case "#{port}" -> Integer.toString(port);
                            // ALB's #{path} has no leading slash; templates add it ("/#{path}").
                            case "#{path}" -> path.isEmpty() ? "" : path.substring(1);
                            default -> query;
                        };
                        break;
                    }
                }
                if (value == null) {
                    b.append(template.charAt(i++));
                } else {
                    b.append(value);
                    i += len;
                }
            }
            return b.toString();
        }

        /** Returns the first {@code #{...}} in {@code template} that is not a placeholder, or null. */
        public static String unknownPlaceholder(String template) {
            for (int i = template.indexOf("#{"); i >= 0; i = template.indexOf("#{", i + 1)) {
                int end = template.indexOf('}', i);
                String name = end < 0 ? template.substring(i) : template.substring(i, end + 1);
                if (!PLACEHOLDERS.contains(name)) {
                    return name;
                }
            }
            return null;
        }

        private static final java.util.List<String> PLACEHOLDERS =
                java.util.List.of("#{protocol}", "#{host}", "#{port}", "#{path}", "#{query}");
    }
}
