package dev.terminus.proxy.admin;

import java.time.Instant;
import java.util.List;

/**
 * Gives the admin endpoints what they report and do. Implemented by the proxy runtime.
 * {@link #live()}, {@link #readiness()} and {@link #certificates()} are cheap reads of the
 * current snapshot and may be called on an event loop; {@link #reload()} reads files and must be
 * called off the event loop.
 */
public interface AdminBackend {

    /** Returns whether the process is alive and its event loops are running. */
    boolean live();

    /** Returns whether the proxy serves traffic, and notes on any degraded mode. */
    Readiness readiness();

    /** Lists the certificates the proxy currently serves; never key material. */
    List<CertificateInfo> certificates();

    /** Re-reads configuration and certificate files, validates them and swaps them in whole. */
    ReloadResult reload();

    /** Closes and reopens the log files (after logrotate moved them); call it off the event loop. */
    default ReloadResult reopenLogs() {
        return new ReloadResult(true, "no log files to reopen");
    }

    /** Describes every target group and its targets: health, requests in flight, connections. Cheap. */
    default List<TargetGroupInfo> targets() {
        return List.of();
    }

    /**
     * One target group as {@code /targets} shows it.
     *
     * @param name           the group's name
     * @param algorithm      {@code round-robin}, {@code least-outstanding-requests} or {@code weighted-random}
     * @param onNoHealthy    {@code fail-open} or {@code 503}
     * @param healthyTargets targets of the group that pass their health check
     * @param targets        the group's targets in configuration order, then those still draining
     */
    record TargetGroupInfo(String name, String algorithm, String onNoHealthy, int healthyTargets,
                           List<TargetInfo> targets) {
        public TargetGroupInfo {
            targets = List.copyOf(targets);
        }
    }

    /**
     * One target as {@code /targets} shows it.
     *
     * @param id          {@code host:port}
     * @param health      {@code healthy} or {@code unhealthy}
     * @param lastCheck   the latest health-check result, or {@code null} before the first
     * @param outstanding requests assigned to it that have not finished
     * @param connections open backend connections to it
     * @param draining    removed by a reload, finishing its requests in flight
     */
    record TargetInfo(String id, String health, CheckInfo lastCheck, int outstanding, int connections,
                      boolean draining) {
    }

    /**
     * @param ok     whether the check passed
     * @param time   when it ended
     * @param detail what it saw, e.g. {@code status 200} or the connect error
     */
    record CheckInfo(boolean ok, Instant time, String detail) {
    }

    /**
     * @param ready  {@code true} when every listener is bound and has certificates
     * @param notes  human notes, for example that TLS runs on the JDK provider as a fallback
     */
    record Readiness(boolean ready, List<String> notes) {
        public Readiness {
            notes = List.copyOf(notes);
        }
    }

    /**
     * One served certificate as the inventory shows it.
     *
     * @param listener  the listener that serves it
     * @param names     DNS names it answers for, normalised
     * @param serial    serial number in hex
     * @param keyType   {@code EC_prime256v1}, {@code RSA_2048}, ...
     * @param notAfter  end of validity
     * @param source    where it came from, for example the certificate file path
     * @param isDefault whether it is the listener's default certificate
     */
    record CertificateInfo(String listener, List<String> names, String serial, String keyType,
                           Instant notAfter, String source, boolean isDefault) {
        public CertificateInfo {
            names = List.copyOf(names);
        }
    }

    /**
     * @param ok      whether the new state was swapped in
     * @param message what happened; on failure names the file or key and what is wrong
     */
    record ReloadResult(boolean ok, String message) {
    }
}
