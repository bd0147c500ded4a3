package dev.terminus.proxy.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts what the forwarder does on its own behalf towards backends: requests sent a second time.
 * Thread-safe (Micrometer counters); one instance per process, shared by every connection.
 */
public final class UpstreamMetrics {
    /** Counts nothing: for tests and tools that run the HTTP layer without a registry. */
    public static final UpstreamMetrics NONE = new UpstreamMetrics(null);

    /** Why a request was sent again. */
    enum Retry {
        /** The first backend connection could not be opened; nothing had been sent. */
        CONNECT_FAILED("connect_failed"),
        /** The TLS handshake with the first target failed; nothing had been sent. */
        TLS_FAILED("tls_failed"),
        /** A reused keep-alive connection was found closed before any response byte (RFC 9112 9.3.1). */
        STALE_CONNECTION("stale_connection");

        final String tag;

        Retry(String tag) {
            this.tag = tag;
        }
    }

    private final Counter[] retries;

    private UpstreamMetrics(MeterRegistry registry) {
        if (registry == null) {
            retries = null;
            return;
        }
        retries = new Counter[Retry.values().length];
        for (Retry r : Retry.values()) {
            retries[r.ordinal()] = Counter.builder("terminus.upstream.retries")
                    .description("Requests sent to a backend a second time, by reason")
                    .tag("reason", r.tag).register(registry);
        }
    }

    /** Registers the counters in {@code registry}. */
    public static UpstreamMetrics of(MeterRegistry registry) {
        return new UpstreamMetrics(java.util.Objects.requireNonNull(registry, "registry"));
    }

    void retried(Retry reason) {
        if (retries != null) {
            retries[reason.ordinal()].increment();
        }
    }
}
