package dev.terminus.proxy;

import dev.terminus.proxy.accesslog.AccessLog;
import dev.terminus.proxy.admin.AdminServer;
import dev.terminus.proxy.balancing.TargetGroups;
import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.http.ConnectionInfo;
import dev.terminus.proxy.http.HttpState;
import dev.terminus.proxy.http.HttpPipelines;
import dev.terminus.proxy.http.Routes;
import dev.terminus.proxy.http.UpstreamMetrics;
import dev.terminus.proxy.runtime.CertificateWatcher;
import dev.terminus.proxy.runtime.ProxyRuntime;
import dev.terminus.proxy.runtime.SnapshotHolder;
import dev.terminus.proxy.server.ProxyServer;
import dev.terminus.proxy.server.Transport;
import dev.terminus.proxy.tls.CertificateException;
import dev.terminus.proxy.tls.HandshakeCallback;
import dev.terminus.proxy.tls.HandshakeObserver;
import dev.terminus.proxy.tls.TlsMetrics;
import dev.terminus.proxy.tls.TlsProvider;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Assembles a running proxy: TLS provider, runtime state, listeners, admin port and file watch.
 * The one place that knows every part; each part knows only what it is given.
 */
public final class ProxyApplication implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyApplication.class);

    private final PrometheusMeterRegistry registry;
    private final ProxyRuntime runtime;
    private final EventLoopGroup workers;
    private final EventLoopGroup health;
    private final ScheduledExecutorService background;
    private final ProxyServer server;
    private final AdminServer admin;
    private final CertificateWatcher watcher;
    private final AccessLog accessLog;
    private final HttpState httpState;
    private boolean closed;

    /** Start-up options that are not part of the configuration file. */
    public record Options(boolean forceJdkTls, Clock clock, long watchQuietMillis) {
        public static Options defaults() {
            return new Options(false, Clock.systemUTC(), 500);
        }
    }

    private ProxyApplication(PrometheusMeterRegistry registry, ProxyRuntime runtime, EventLoopGroup workers,
                             EventLoopGroup health, ScheduledExecutorService background, ProxyServer server, AdminServer admin,
                             CertificateWatcher watcher, AccessLog accessLog, HttpState httpState) {
        this.accessLog = accessLog;
        this.registry = registry;
        this.runtime = runtime;
        this.workers = workers;
        this.health = health;
        this.background = background;
        this.server = server;
        this.admin = admin;
        this.watcher = watcher;
        this.httpState = httpState;
    }

    /**
     * Loads the native TLS and socket libraries and the metrics classes on a thread of their own,
     * while the caller reads the configuration: at 100,000 certificates the configuration takes a
     * second on one core, and these take a few hundred milliseconds that need not follow it.
     * Harmless when {@link #start} gets there first: class initialisation runs once either way.
     */
    public static void preload() {
        Thread t = new Thread(() -> {
            TlsProvider.detect(false);
            Transport.detect();
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT).close();
        }, "terminus-preload");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Starts everything or nothing: on any failure what was started is stopped again and the
     * exception names the file, key or address at fault.
     *
     * @param configFile the file to watch and reload, or {@code null} for a configuration built in code
     */
    public static ProxyApplication start(Path configFile, ProxyConfig config, Options options)
            throws CertificateException, ProxyServer.ServerStartException, IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);

        TlsProvider provider = TlsProvider.detect(options.forceJdkTls());
        Transport transport = Transport.detect();
        // Health checks get a loop of their own: a slow or dead target never delays client traffic.
        EventLoopGroup health = transport.newGroup(1);
        TargetGroups targetGroups = TargetGroups.start(registry, health.next(), transport.socketChannel(),
                options.clock());
        AccessLog accessLog = AccessLog.create(options.clock(), registry);
        ProxyRuntime runtime;
        try {
            runtime = new ProxyRuntime(configFile, config, provider, options.clock(), registry, targetGroups, accessLog);
        } catch (CertificateException | RuntimeException e) {
            accessLog.close();
            targetGroups.close();
            health.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        if (provider.isOpenSsl()) {
            log.info("TLS provider: {}", provider.describe());
        } else {
            log.warn("TLS provider: {} -- handshakes will be several times slower; see /readyz", provider.describe());
        }
        if (transport.fallbackReason() != null) {
            log.warn("socket transport: NIO ({})", transport.fallbackReason());
        }
        EventLoopGroup workers = transport.newGroup(Runtime.getRuntime().availableProcessors());
        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "terminus-reload");
            t.setDaemon(true);
            return t;
        });
        ProxyServer server = null;
        AdminServer admin = null;
        try {
            TlsMetrics metrics = new TlsMetrics(registry);
            HttpState httpState = new HttpState(registry);
            SnapshotHolder holder = runtime.snapshots();
            server = ProxyServer.start(runtime, transport, workers, metrics,
                    name -> httpAfterHandshake(holder, name, httpState, accessLog),
                    name -> plainHttp(holder, name, httpState, accessLog));
            ProxyConfig.Admin a = config.admin();
            try {
                admin = AdminServer.start(new InetSocketAddress(a.address(), a.port()), runtime, registry, workers,
                        background);
            } catch (RuntimeException e) {
                throw new ProxyServer.ServerStartException("admin: " + e.getMessage(), e);
            }
            CertificateWatcher watcher = configFile == null ? null
                    : new CertificateWatcher(runtime, configFile, background, options.watchQuietMillis());
            return new ProxyApplication(registry, runtime, workers, health, background, server, admin, watcher,
                    accessLog, httpState);
        } catch (ProxyServer.ServerStartException | IOException | RuntimeException e) {
            if (admin != null) {
                admin.close();
            }
            if (server != null) {
                server.close();
            }
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            background.shutdownNow();
            runtime.close();
            accessLog.close();
            health.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Loads and checks every certificate of the configuration without binding anything. */
    public static void check(ProxyConfig config, Options options) throws CertificateException {
        ProxyRuntime runtime = new ProxyRuntime(null, config, TlsProvider.detect(options.forceJdkTls()),
                options.clock(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        runtime.close();
    }

    /** Installs HTTP/1.1 on a connection of a plain-text listener, right at accept. */
    private static Consumer<Channel> plainHttp(SnapshotHolder holder, String listener, HttpState shared,
                                               AccessLog accessLog) {
        Routes routes = request -> holder.current().listener(listener).routes().route(request);
        return ch -> {
            ConnectionInfo info = new ConnectionInfo((InetSocketAddress) ch.remoteAddress(),
                    ((InetSocketAddress) ch.localAddress()).getPort(), "http", null, null, null, listener, -1);
            ProxyConfig config = holder.current().config();
            HttpPipelines.configure(ch.pipeline(), null, info, routes, config.limits().http(), config.requestId(),
                    shared, accessLog);
        };
    }

    /** Hands a connection whose handshake succeeded to HTTP/1.1 or HTTP/2, as ALPN chose. */
    private static HandshakeCallback httpAfterHandshake(SnapshotHolder holder, String listener, HttpState shared,
                                                        AccessLog accessLog) {
        // Routes are read from the current snapshot per request, so a reload applies to
        // keep-alive connections too; the TLS state stays the one the handshake used, and the
        // limits and request-id settings the ones current when the connection became HTTP.
        Routes routes = request -> holder.current().listener(listener).routes().route(request);
        return (ctx, ssl, serverName) -> {
            Channel ch = ctx.channel();
            SSLSession session = ssl.engine().getSession();
            long accepted = HandshakeObserver.acceptedNanos(ch);
            ConnectionInfo info = new ConnectionInfo((InetSocketAddress) ch.remoteAddress(),
                    ((InetSocketAddress) ch.localAddress()).getPort(), "https", serverName,
                    session.getProtocol(), session.getCipherSuite(), listener,
                    accepted < 0 ? -1 : System.nanoTime() - accepted);
            ProxyConfig config = holder.current().config();
            HttpPipelines.configure(ch.pipeline(), ssl.applicationProtocol(), info, routes, config.limits().http(),
                    config.requestId(), shared, accessLog);
        };
    }

    public ProxyRuntime runtime() {
        return runtime;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Returns each listener's bound address, by name. */
    public Map<String, InetSocketAddress> listeners() {
        return server.bound();
    }

    public int adminPort() {
        return admin.port();
    }

    /**
     * Shuts down gracefully, then frees everything: {@code /readyz} turns 503 ("draining"), the
     * listeners stop accepting, and connections finish their requests in flight for up to the
     * configured {@code limits.shutdown-timeout} before what is left is closed (see
     * {@link ProxyServer#drain}). Idempotent; a second caller waits for the first to finish.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration shutdownTimeout = runtime.snapshots().current().config().limits().shutdownTimeout();
        runtime.draining();
        // Before the listeners close: every response that starts from here on says Connection: close.
        httpState.startDraining();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.debug("closing the file watch: {}", e.toString());
            }
        }
        // The admin port stays up while draining, so that health checkers see /readyz turn 503.
        server.drain(shutdownTimeout);
        admin.close();
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        // After the workers: requests that finished while they drained are logged too.
        accessLog.close();
        background.shutdownNow();
        runtime.close();
        health.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        registry.close();
    }
}
