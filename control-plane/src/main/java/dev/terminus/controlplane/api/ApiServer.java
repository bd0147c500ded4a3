package dev.terminus.controlplane.api;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.terminus.controlplane.certificates.CertificateService;
import dev.terminus.controlplane.certificates.PrivateCa;
import dev.terminus.controlplane.store.AuditLog;
import dev.terminus.controlplane.tokens.ApiTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the control plane's HTTPS + JSON API on the JDK's {@code HttpsServer}, requests handled
 * on a small pool of worker threads (handlers block on the store and the CA, which is fine there).
 * TLS 1.2 and 1.3 only. {@link #close()} stops accepting and waits briefly for calls in flight.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final int WORKERS = 8;
    private static final int STOP_GRACE_SECONDS = 2;

    private final HttpsServer server;
    private final ExecutorService workers;
    private final List<Route> routes;

    private ApiServer(HttpsServer server, ExecutorService workers, List<Route> routes) {
        this.server = server;
        this.workers = workers;
        this.routes = routes;
    }

    /** Holds what the API serves: the inventory, the CA, tokens, the audit log and the clock. */
    public record Services(CertificateService certificates, PrivateCa ca, ApiTokens tokens, AuditLog audit, Clock clock) {
    }

    /** Binds {@code address}:{@code port} (0 picks a free port) with {@code tls} and starts serving. */
    public static ApiServer start(String address, int port, SSLContext tls, Services services) {
        List<Route> routes = routes(services);
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS, new ThreadFactoryNamed());
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters parameters) {
                    SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                    ssl.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    parameters.setSSLParameters(ssl);
                }
            });
            server.createContext("/", new Dispatcher(routes, services.tokens(), services.audit(), services.clock()));
            server.setExecutor(workers);
            server.start();
            ApiServer api = new ApiServer(server, workers, routes);
            log.info("API listening on https://{}:{}", address, api.port());
            return api;
        } catch (IOException e) {
            workers.shutdownNow();
            throw new UncheckedIOException("api: cannot bind " + address + ":" + port + " (" + e.getMessage() + ")", e);
        }
    }

    /** Returns every route, in matching order. */
    static List<Route> routes(Services services) {
        List<Route> routes = new ArrayList<>();
        routes.addAll(new ReadRoutes(services.certificates(), services.ca(), services.audit()).routes());
        routes.addAll(new CertificateRoutes(services.certificates()).routes());
        routes.addAll(new TagRoutes(services.certificates()).routes());
        routes.addAll(new TokenRoutes(services.tokens()).routes());
        routes.addAll(new RevocationRoutes(services.certificates()).routes());
        return List.copyOf(routes);
    }

    /** Returns the bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Returns each route as {@code "METHOD /template"}, for the OpenAPI check. */
    public List<String> routeKeys() {
        return routes.stream().map(r -> r.method() + " " + r.template()).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Names the worker threads {@code api-N}, as daemons so they never hold the JVM open. */
    private static final class ThreadFactoryNamed implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "api-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
