package dev.terminus.proxy.cli;

import dev.terminus.proxy.ProxyApplication;
import dev.terminus.proxy.config.ConfigException;
import dev.terminus.proxy.config.ConfigLoader;
import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.server.ProxyServer;
import dev.terminus.proxy.tls.CertificateException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the proxy from a YAML file until SIGTERM or SIGINT, then drains: stops accepting, lets
 * requests in flight finish for up to {@code limits.shutdown-timeout}, and exits. Exit codes: 0
 * after a stop by signal (drained, or cut at the deadline), 1 when the configuration or a
 * certificate is refused or a port cannot be bound (one line on stderr names the file, key or
 * address) or the shutdown failed, 2 for bad usage.
 */
@Command(name = "terminus proxy", mixinStandardHelpOptions = true, version = "terminus proxy 0.1.0",
        description = "Terminates TLS for many host names, choosing the certificate by SNI, and forwards HTTP.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM or SIGINT after draining",
                "1:configuration, certificate or port refused (the message says why), or the shutdown failed",
                "2:bad usage"})
public final class ProxyMain implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "config/proxy.yaml",
            description = "YAML configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--jdk-tls", description = "Use the JDK's TLS instead of BoringSSL (for comparisons).")
    boolean jdkTls;

    @Option(names = "--check", description = "Validate the configuration and certificates, then exit.")
    boolean check;

    private final PrintWriter err;
    private final CountDownLatch stopped = new CountDownLatch(1);

    ProxyMain(PrintWriter err) {
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Parses the arguments and runs; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new ProxyMain(err)).setOut(out).setErr(err).execute(args);
    }

    @Override
    public Integer call() {
        ProxyApplication app;
        try {
            ProxyApplication.preload();
            ProxyConfig cfg = ConfigLoader.load(config);
            ProxyApplication.Options options = new ProxyApplication.Options(jdkTls, Clock.systemUTC(), 500);
            if (check) {
                ProxyApplication.check(cfg, options);
                err.println("terminus proxy: " + config + ": OK");
                return 0;
            }
            app = ProxyApplication.start(config, cfg, options);
        } catch (ConfigException | CertificateException | ProxyServer.ServerStartException e) {
            err.println("terminus proxy: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("terminus proxy: " + e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int status = 0;
            try {
                app.close();
            } catch (RuntimeException e) {
                err.println("terminus proxy: shutdown failed: " + e);
                status = 1;
            }
            stopped.countDown();
            err.flush();
            System.out.flush();
            System.err.flush();
            // A JVM stopped by a signal exits with 128 + its number (143 for SIGTERM); a proxy that
            // drained as asked stopped cleanly. halt() only skips hooks that have not finished yet.
            Runtime.getRuntime().halt(status);
        }, "terminus-shutdown"));
        err.println("terminus proxy: serving " + app.listeners() + ", admin on port " + app.adminPort());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
