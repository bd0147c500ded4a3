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
