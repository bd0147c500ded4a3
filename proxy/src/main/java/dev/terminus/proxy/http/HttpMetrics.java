package dev.terminus.proxy.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts what the downstream HTTP layer refuses or cuts. Every series is registered up front, so
 * the hot path only increments a counter it already holds. Thread-safe; shared by all connections.
 */
public final class HttpMetrics {

    private static final HttpMetrics UNREGISTERED = new HttpMetrics(new SimpleMeterRegistry());

    private final Map<ProxyError, Counter> errors = new EnumMap<>(ProxyError.class);
    private final Counter headerTimeoutAnswered;
    private final Counter headerTimeoutClosed;

    public HttpMetrics(MeterRegistry registry) {
        for (ProxyError error : ProxyError.values()) {
            errors.put(error, Counter.builder("terminus.http.proxy.errors").tag("code", error.code())
                    .description("Requests the proxy answered with an error of its own, or cut, by X-Terminus-Error code")
                    .register(registry));
        }
        headerTimeoutAnswered = headerTimeouts(registry, "408");
        headerTimeoutClosed = headerTimeouts(registry, "closed");
    }

    private static Counter headerTimeouts(MeterRegistry registry, String outcome) {
        return Counter.builder("terminus.http.request.header.timeouts").tag("outcome", outcome)
                .description("Connections whose client did not send a request header block within "
                        + "request-header-timeout: answered 408 (part of a request came) or closed (nothing came)")
                .register(registry);
    }

    /** Returns counters registered nowhere, for callers (tests, embedded use) that do not export metrics. */
    public static HttpMetrics unregistered() {
        return UNREGISTERED;
    }

    void proxyError(ProxyError error) {
        errors.get(error).increment();
    }

    void headerTimeout(boolean answered) {
        (answered ? headerTimeoutAnswered : headerTimeoutClosed).increment();
    }
}
