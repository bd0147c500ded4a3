package dev.terminus.proxy.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts what happens on the handshake path. Safe to call from any event loop. Counters are
 * cached by their label values so that a handshake costs a hash lookup, not a meter
 * registration; label values are bounded (listeners, protocols, suites, outcomes).
 */
public final class TlsMetrics {
    /** Why a connection was refused before or during the handshake; a metric label. */
    public enum Refusal {
        MAX_CONNECTIONS, CLIENT_HELLO_TOO_LARGE, HANDSHAKE_TIMEOUT, UNRECOGNIZED_NAME, NOT_TLS;

        final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> durations = new ConcurrentHashMap<>();
    private final Counter[] refusals = new Counter[Refusal.values().length];

    public TlsMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Refusal r : Refusal.values()) {
            refusals[r.ordinal()] = Counter.builder("terminus.connections.refused")
                    .description("Connections refused before a finished handshake, by reason")
                    .tag("reason", r.label).register(registry);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counts one refusal. */
    public void refused(Refusal reason) {
        refusals[reason.ordinal()].increment();
    }

    /**
     * Counts one finished handshake attempt.
     *
     * @param result   {@code success} or a short failure reason
     * @param protocol negotiated protocol, or {@code none}
     * @param cipher   negotiated suite, or {@code none}
     */
    public void handshake(String listener, String result, String protocol, String cipher, SniOutcome outcome,
                          long durationNanos) {
        String key = listener + '\0' + result + '\0' + protocol + '\0' + cipher + '\0' + outcome.label();
        handshakes.computeIfAbsent(key, k -> Counter.builder("terminus.tls.handshakes")
                .description("TLS handshakes by result, protocol, cipher suite and SNI outcome")
                .tag("listener", listener).tag("result", result).tag("protocol", protocol)
                .tag("cipher", cipher).tag("sni", outcome.label())
                .register(registry)).increment();
        durations.computeIfAbsent(listener + '\0' + result, k -> Timer.builder("terminus.tls.handshake.duration")
                .description("Time from accepting a connection to the end of its handshake")
                .tag("listener", listener).tag("result", result)
                .publishPercentileHistogram()
                .register(registry)).record(durationNanos, TimeUnit.NANOSECONDS);
    }
}
