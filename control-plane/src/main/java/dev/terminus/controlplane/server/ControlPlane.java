package dev.terminus.controlplane.server;

import dev.terminus.controlplane.api.ApiServer;
import dev.terminus.controlplane.ca.CaConfig;
import dev.terminus.controlplane.ca.CreateRootRequest;
import dev.terminus.controlplane.ca.CreateSubordinateRequest;
import dev.terminus.controlplane.certificates.CertificateService;
import dev.terminus.controlplane.certificates.CertificateUsers;
import dev.terminus.controlplane.certificates.CertificatesConfig;
import dev.terminus.controlplane.certificates.PrivateCa;
import dev.terminus.controlplane.config.ControlPlaneConfig;
import dev.terminus.controlplane.store.ServerIdentityStore.ServerIdentity;
import dev.terminus.controlplane.store.Store;
import dev.terminus.controlplane.tokens.ApiTokens;
import dev.terminus.controlplane.tokens.Role;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.net.http.HttpClient;
import java.time.Duration;
import dev.terminus.controlplane.webhooks.WebhookDispatcher;
import dev.terminus.controlplane.webhooks.WebhookPolicy;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a control plane: opens the store with its KEK, creates the CA hierarchy and the first admin
 * token on a first start, keeps the API server certificate, exports {@code ca-chain.pem}, serves the
 * API and runs managed renewal on a timer. {@link #close()} stops everything and closes the store.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

    private final Store store;
    private final ApiServer api;
    private final ScheduledExecutorService renewal;
    private final ControlPlaneConfig config;
    private final AtomicLong renewalFailures = new AtomicLong();

    private final WebhookDispatcher webhooks;
    private final ScheduledExecutorService delivery = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "webhooks");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong crlFailures = new AtomicLong();

    private ControlPlane(Store store, ApiServer api, ScheduledExecutorService renewal, ControlPlaneConfig config,
            WebhookDispatcher webhooks) {
        this.webhooks = webhooks;
        this.store = store;
        this.api = api;
        this.renewal = renewal;
        this.config = config;
    }

    /**
     * Starts a control plane for {@code config}. {@code console} receives the first admin token,
     * once; {@code users} answers which resources use a certificate (bindings arrive later).
     */
    public static ControlPlane start(ControlPlaneConfig config, Map<String, String> environment, Clock clock,
            CertificateUsers users, PrintStream console) {
        Store store = Store.openEmbedded(config.dataDir(), KekFiles.load(config, environment));
        try {
            PrivateCa ca = PrivateCa.open(store.caMaterial(), new CaConfig(config.revocationBaseUrl()), clock);
            ensureHierarchy(ca, config);
            CertificateService certificates = CertificateService.create(store, ca, new CertificatesConfig(config.account(),
                    config.renewalWindow(), CertificatesConfig.DEFAULT_INITIAL_BACKOFF, CertificatesConfig.DEFAULT_MAX_BACKOFF),
                    clock, users);
            ApiTokens tokens = new ApiTokens(store.apiTokens(), clock);
            if (tokens.none()) {
                printFirstToken(tokens.create(Role.ADMIN, "first admin token, made at first start", ApiTokens.LOCAL), console);
            }
            ServerIdentity identity = ServerIdentities.ensure(store.serverIdentities(), store.caMaterial(), config.globalRegion(),
                    config.api().address(), clock);
            writeAtomically(config.caChainFile(), ca.chainPem(config.globalRegion()));
            ApiServer api = ApiServer.start(config.api().address(), config.api().port(), Tls.serverContext(identity),
                    new ApiServer.Services(certificates, ca, tokens, store.auditLog(), clock));
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "renewal");
                thread.setDaemon(true);
                return thread;
            });
            WebhookDispatcher webhooks = config.webhooks().isEmpty() ? null
                    : WebhookDispatcher.create(store, config.webhooks(),
                            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), clock,
                            WebhookPolicy.defaults());
            ControlPlane plane = new ControlPlane(store, api, timer, config, webhooks);
            long every = config.renewalCheckInterval().toMillis();
            timer.scheduleWithFixedDelay(() -> plane.renewOnce(certificates), every, every, TimeUnit.MILLISECONDS);
            // CRLs are regenerated on every revocation; this refresh keeps nextUpdate ahead of the clock.
            timer.scheduleWithFixedDelay(() -> plane.publishCrls(certificates), 0, every, TimeUnit.MILLISECONDS);
            if (webhooks != null) {
                // Its own thread: a slow receiver must not hold back renewal or CRLs.
                long deliver = config.webhookInterval().toMillis();
                plane.delivery.scheduleWithFixedDelay(plane::deliverOnce, deliver, deliver, TimeUnit.MILLISECONDS);
                log.info("Delivering events to {} webhook(s) every {}", config.webhooks().size(), config.webhookInterval());
            }
            log.info("Control plane ready: API {}, CA chain for clients in {}", plane.endpoint(), config.caChainFile());
            return plane;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Creates the private CA's root (and a subordinate per configured region) before the first start,
     * for an operator who wants another key algorithm or name than the defaults the first start uses.
     * Opens the data directory itself, creating the store and the KEK as a first start would; refuses
     * when a root exists. The server must be stopped (the embedded store allows one process).
     */
    public static dev.terminus.controlplane.ca.CreateRootResponse createRoot(ControlPlaneConfig config,
            Map<String, String> environment, Clock clock, CreateRootRequest request) {
        try (Store store = Store.openEmbedded(config.dataDir(), KekFiles.load(config, environment))) {
            PrivateCa ca = PrivateCa.open(store.caMaterial(), new CaConfig(config.revocationBaseUrl()), clock);
            if (hasRoot(ca)) {
                java.security.cert.X509Certificate root = ca.root();
                throw new IllegalStateException("root: " + root.getSubjectX500Principal().getName() + " exists since "
                        + root.getNotBefore().toInstant() + " (expected: no root; a CA's root is created once)");
            }
            dev.terminus.controlplane.ca.CreateRootResponse created = ca.createRoot(request);
            ensureHierarchy(ca, config);
            return created;
        }
    }

    /**
     * Re-wraps every private key's data key under a new KEK (server stopped) and writes the new KEK
     * to {@code target} (default: the configured kek-file). Returns a one-line report.
     */
    public static String rewrap(ControlPlaneConfig config, Map<String, String> environment, Path target) {
        Path file = target != null ? target : config.kekFile();
        if (file == null) {
            throw new IllegalArgumentException("--new-kek-file: missing (expected: a file for the new key, since the"
                    + " current one comes from " + dev.terminus.controlplane.store.Kek.ENVIRONMENT_VARIABLE + ")");
        }
        KekFiles.RewrapResult result = KekFiles.rewrap(config, environment, file);
        return "re-wrapped " + result.records() + " keys; the new key-encryption key is in " + result.kekFile()
                + (config.kekFile() == null || !config.kekFile().equals(result.kekFile())
                ? " (point kek-file or " + dev.terminus.controlplane.store.Kek.ENVIRONMENT_VARIABLE + " at it)" : "");
    }

    /**
     * Opens the store of an existing control plane for a local command, with its KEK; never creates
     * a KEK or a store. The embedded store allows one process: the server must be stopped.
     */
    public static Store openExistingStore(ControlPlaneConfig config, Map<String, String> environment) {
        if (!KekFiles.storeExists(config)) {
            throw new IllegalStateException("data-dir: " + config.dataDir() + " has no store yet (expected: a control plane"
                    + " started once; its first start prints an admin token)");
        }
        return Store.openEmbedded(config.dataDir(), KekFiles.load(config, environment));
    }

    /** Returns the API's base URL with the bound port, e.g. {@code https://127.0.0.1:8600}. */
    public String endpoint() {
        return new ControlPlaneConfig.Api(config.api().address(), api.port()).baseUrl();
    }

    /** Returns the bound API port. */
    public int port() {
        return api.port();
    }

    /** Returns the API server, e.g. for its route table. */
    public ApiServer api() {
        return api;
    }

    /** Returns the open store (for local commands and tests). */
    public Store store() {
        return store;
    }

    /** Returns how many scheduled renewal passes failed as a whole (each also logged). */
    public long renewalFailures() {
        return renewalFailures.get();
    }

    /** Returns the webhook dispatcher, or {@code null} when no webhook is configured. */
    public WebhookDispatcher webhooks() {
        return webhooks;
    }

    /** Returns how many scheduled CRL refreshes failed as a whole (each also logged). */
    public long crlFailures() {
        return crlFailures.get();
    }

    @Override
    public void close() {
        delivery.shutdownNow();
        if (webhooks != null) {
            webhooks.close();
        }
        renewal.shutdownNow();
        api.close();
        store.close();
        log.info("Control plane stopped");
    }

    private void publishCrls(CertificateService certificates) {
        try {
            certificates.crlPublisher().runOnce();
        } catch (RuntimeException e) {
            crlFailures.incrementAndGet();
            log.error("CRL refresh failed; retrying at the next check", e);
        }
    }

    private void deliverOnce() {
        try {
            webhooks.runOnce();
        } catch (RuntimeException e) {
            // The dispatcher records per-target failures itself; this guards the timer.
            log.error("Webhook delivery pass failed; retrying at the next tick", e);
        }
    }

    private void renewOnce(CertificateService certificates) {
        try {
            certificates.renewalScheduler().runOnce();
        } catch (RuntimeException e) {
            // Keep the timer alive: a failed pass is retried at the next tick.
            renewalFailures.incrementAndGet();
            log.error("Renewal pass failed; retrying at the next check", e);
        }
    }

    private static void ensureHierarchy(PrivateCa ca, ControlPlaneConfig config) {
        if (!hasRoot(ca)) {
            ca.createRoot(CreateRootRequest.of("Terminus Root CA"));
        }
        for (String region : config.regions()) {
            if (!ca.regions().contains(region)) {
                ca.createSubordinate(CreateSubordinateRequest.of(region));
            }
        }
    }

    private static boolean hasRoot(PrivateCa ca) {
        try {
            ca.root();
            return true;
        } catch (dev.terminus.controlplane.ca.CaException e) {
            return false;
        }
    }

    private static void printFirstToken(ApiTokens.Created created, PrintStream console) {
        console.println();
        console.println("terminus control-plane: first start: created admin API token " + created.record().id() + ":");
        console.println();
        console.println("    " + created.token());
        console.println();
        console.println("This token will not be shown again: only its SHA-256 hash is stored. Keep it now, e.g.");
        console.println("    export TERMINUS_TOKEN=" + created.token());
        console.println("More tokens: terminus control-plane token create --role admin|operator|reader --config FILE");
        console.println();
        console.flush();
    }

    static void writeAtomically(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".ca-chain", ".tmp");
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            try {
                // Public certificates: readable by every client on the machine (createTempFile made it 0600).
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + " (" + e + ")", e);
        }
    }
}
