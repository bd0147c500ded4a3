package dev.terminus.proxy.http;

import java.util.Objects;

/**
 * Says what a listener does with a request. Immutable; part of the proxy's runtime snapshot.
 */
public sealed interface RouteAction permits RouteAction.Forward, RouteAction.FixedResponse {

    /** Forwards the request over HTTP/1.1 to one backend. */
    record Forward(String host, int port) implements RouteAction {
        public Forward {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host: '' (expected: a host name or address)");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
            }
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
}
