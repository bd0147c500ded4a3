package dev.terminus.proxy.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.EnumMap;
import java.util.Map;

/**
 * Holds what every HTTP connection of one proxy shares: the counters of what the HTTP layer
 * refuses, cuts or retries, and whether the proxy is draining. Every counter is registered up front, so
 * the hot path only increments one it already holds. Thread-safe.
 */
public final class HttpState {

    private final Map<ProxyError, Counter> errors = new EnumMap<>(ProxyError.class);
    private final Counter headerTimeoutAnswered;
    private final Counter headerTimeoutClosed;
    private final Counter headerTimeoutGoAway;
    private final UpstreamMetrics upstream;
    private volatile boolean draining;

    public HttpState(MeterRegistry registry) {
        for (ProxyError error : ProxyError.values()) {
            errors.put(error, Counter.builder("terminus.http.proxy.errors").tag("code", error.code())
                    .description("Requests the proxy answered with an error of its own, or cut, by X-Terminus-Error code")
                    .register(registry));
        }
        headerTimeoutAnswered = headerTimeouts(registry, "408");
        headerTimeoutClosed = headerTimeouts(registry, "closed");
        headerTimeoutGoAway = headerTimeouts(registry, "goaway");
        upstream = UpstreamMetrics.of(registry);
    }

    private static Counter headerTimeouts(MeterRegistry registry, String outcome) {
        return Counter.builder("terminus.http.request.header.timeouts").tag("outcome", outcome)
                .description("Connections whose client did not send a request header block within "
                        + "request-header-timeout: answered 408 (HTTP/1.1, part of a request came), goaway (HTTP/2, "
                        + "part of a frame or header block came) or closed (nothing came)")
                .register(registry);
    }

    /** Returns a fresh state whose counters are registered nowhere, for callers that export no metrics. */
    public static HttpState unregistered() {
        return new HttpState(new SimpleMeterRegistry());
    }

    /**
     * Marks the proxy as shutting down: from now on every HTTP/1.1 response says
     * {@code Connection: close} and its connection closes after it. Set before the listeners
     * close, so any response that starts after a refused connection attempt carries it.
     */
    public void startDraining() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    void proxyError(ProxyError error) {
        errors.get(error).increment();
    }

    UpstreamMetrics upstream() {
        return upstream;
    }

    /** How a connection that ran out of request-header-timeout was ended. */
    enum HeaderTimeout {
        /** HTTP/1.1: part of a request came; it got 408. */
        ANSWERED_408,
        /** HTTP/2: part of a frame or header block came; it got GOAWAY (ENHANCE_YOUR_CALM). */
        GOAWAY,
        /** Nothing came; closed without a word. */
        CLOSED
    }

    void headerTimeout(HeaderTimeout outcome) {
        (switch (outcome) {
            case ANSWERED_408 -> headerTimeoutAnswered;
            case GOAWAY -> headerTimeoutGoAway;
            case CLOSED -> headerTimeoutClosed;
        }).increment();
    }
}
