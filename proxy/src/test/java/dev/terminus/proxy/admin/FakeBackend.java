package dev.terminus.proxy.admin;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Stands in for the proxy runtime behind the admin port; tests set what it reports and read how
 * {@link #reload()} was called.
 */
final class FakeBackend implements AdminBackend {

    static final CertificateInfo EXAMPLE_COM = new CertificateInfo("https-443",
            List.of("example.com", "www.example.com"), "0a1b2c", "EC_prime256v1",
            Instant.parse("2030-01-02T03:04:05Z"), "config/certs/example.com.pem", true);
    static final CertificateInfo WILDCARD = new CertificateInfo("https-443",
            List.of("*.api.example.com"), "ff01", "RSA_2048",
            Instant.parse("2029-06-30T00:00:00Z"), "control-plane:cert-eu-west-1-42", false);

    private final BooleanSupplier onEventLoop;
    volatile boolean live = true;
    volatile Readiness readiness = new Readiness(true, List.of());
    volatile List<CertificateInfo> certificates = List.of(EXAMPLE_COM, WILDCARD);
    volatile ReloadResult reloadResult = new ReloadResult(true, "reloaded 2 certificates");
    volatile RuntimeException reloadThrows;
    /** When set, reload() counts down {@link #reloadEntered} and waits for this latch. */
    volatile CountDownLatch reloadGate;
    final CountDownLatch reloadEntered = new CountDownLatch(1);
    volatile String reloadThreadName;
    volatile Boolean reloadRanOnEventLoop;
    volatile List<TargetGroupInfo> targets = List.of();
    volatile ReloadResult reopenResult = new ReloadResult(true, "reopened /var/log/terminus/access.log");
    volatile String reopenThreadName;
    volatile Boolean reopenRanOnEventLoop;

    /** @param onEventLoop says whether the calling thread is one of the server's event loops */
    FakeBackend(BooleanSupplier onEventLoop) {
        this.onEventLoop = onEventLoop;
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public Readiness readiness() {
        return readiness;
    }

    @Override
    public List<CertificateInfo> certificates() {
        return certificates;
    }

    @Override
    public List<TargetGroupInfo> targets() {
        return targets;
    }

    @Override
    public ReloadResult reopenLogs() {
        reopenThreadName = Thread.currentThread().getName();
        reopenRanOnEventLoop = onEventLoop.getAsBoolean();
        return reopenResult;
    }

    @Override
    public ReloadResult reload() {
        reloadThreadName = Thread.currentThread().getName();
        reloadRanOnEventLoop = onEventLoop.getAsBoolean();
        reloadEntered.countDown();
        CountDownLatch gate = reloadGate;
        if (gate != null) {
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never opened the reload gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (reloadThrows != null) {
            throw reloadThrows;
        }
        return reloadResult;
    }
}
