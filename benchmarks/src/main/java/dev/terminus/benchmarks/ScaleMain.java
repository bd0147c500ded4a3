package dev.terminus.benchmarks;

import dev.terminus.proxy.config.ConfigLoader;
import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.runtime.ProxyRuntime;
import dev.terminus.proxy.tls.ListenerTls;
import dev.terminus.proxy.tls.TlsProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures the proxy at scale: how long N certificates take to load and validate through the
 * proxy's own start-up path (YAML, PEM files, checks, BoringSSL credentials, SNI index), what
 * they cost in memory, and the handshake rate with clients asking for random names across all
 * N versus one name. Handshakes run in memory (engine pairs, one thread), in interleaved rounds.
 * Also reloads with one certificate's files replaced (what renewing one certificate costs at
 * that scale) while another thread keeps looking names up.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.terminus.benchmarks.ScaleMain [count] [dir] [seconds]</pre>
 */
public final class ScaleMain {
    private ScaleMain() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Path.of(args.length > 1 ? args[1] : "/tmp/terminus-scale-" + count);
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path big = ensureConfig(dir.resolve("many"), count);
        Path one = ensureConfig(dir.resolve("one"), 1);

        gc();
        long heap0 = heapUsed();
        long rss0 = rssBytes();
        long committed0 = heapCommitted();
        long t0 = System.nanoTime();
        ProxyConfig config = ConfigLoader.load(big);
        long t1 = System.nanoTime();
        ProxyRuntime runtime = new ProxyRuntime(null, config, TlsProvider.detect(false), Clock.systemUTC(),
                new SimpleMeterRegistry());
        long t2 = System.nanoTime();
        gc();
        long heap1 = heapUsed();
        long rss1 = rssBytes();
        long committed1 = heapCommitted();
        System.out.printf(Locale.ROOT, "certificates: %d%n", count);
        System.out.printf(Locale.ROOT, "load: %.2f s (configuration and directory listing %.2f s, certificates and index %.2f s)%n",
                (t2 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        System.out.printf(Locale.ROOT, "memory: live heap +%d MB, committed heap +%d MB, process RSS +%d MB "
                        + "(outside the heap: +%d MB; RSS now %d MB)%n",
                (heap1 - heap0) >> 20, (committed1 - committed0) >> 20, (rss1 - rss0) >> 20,
                ((rss1 - rss0) - (committed1 - committed0)) >> 20, rss1 >> 20);

        // The renewed certificate comes from a CA of its own: the proxy checks keys and dates, not issuers.
        reload(runtime, new GeneratedCertificates(), dir.resolve("many"), count);

        ProxyRuntime single = new ProxyRuntime(null, ConfigLoader.load(one), TlsProvider.detect(false),
                Clock.systemUTC(), new SimpleMeterRegistry());
        ListenerTls manyTls = runtime.snapshots().current().listener("scale").tls();
        ListenerTls oneTls = single.snapshots().current().listener("scale").tls();
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE).protocols("TLSv1.3").build();
        EngineHandshake hs = new EngineHandshake();
        SplittableRandom random = new SplittableRandom(42);
        rate(hs, client, oneTls, 1, random, 1); // warm-up
        rate(hs, client, manyTls, count, random, 1);
        double oneSum = 0;
        double manySum = 0;
        for (int round = 1; round <= 3; round++) {
            double r1 = rate(hs, client, oneTls, 1, random, seconds);
            double rn = rate(hs, client, manyTls, count, random, seconds);
            oneSum += r1;
            manySum += rn;
            System.out.printf(Locale.ROOT, "round %d: 1 name %.0f handshakes/s, %d random names %.0f handshakes/s%n",
                    round, r1, count, rn);
        }
        System.out.printf(Locale.ROOT, "handshake rate, random names across %d vs 1 name: %.1f%%%n", count,
                100 * manySum / oneSum);
        single.close();
        runtime.close();
    }

    /**
     * Replaces one certificate's files with a new certificate for the same name and reloads, as an
     * operator renewing one certificate among {@code count} would; meanwhile another thread keeps
     * looking up random names in whatever snapshot is current, as handshakes do. Prints the
     * reload time, and how many lookups ran during it and the longest gap between two of them.
     */
    private static void reload(ProxyRuntime runtime, GeneratedCertificates pki, Path dir, int count)
            throws Exception {
        String name = "host" + (count - 1);
        String host = name + ".scale.test";
        String before = served(runtime, host);
        GeneratedCertificates.Pem renewed = pki.leaf(name, false, host);
        Files.write(dir.resolve("certs").resolve(name + ".pem"), renewed.chain());
        Files.write(dir.resolve("certs").resolve(name + ".key"), renewed.key());

        Lookups lookups = new Lookups(runtime, count);
        Thread reader = new Thread(lookups, "lookups");
        reader.start();
        long t0 = System.nanoTime();
        dev.terminus.proxy.admin.AdminBackend.ReloadResult result;
        try {
            result = runtime.reload();
        } finally {
            lookups.running = false;
        }
        long t1 = System.nanoTime();
        reader.join(60_000);
        if (lookups.failure != null) {
            throw new IllegalStateException("lookups failed during the reload", lookups.failure);
        }
        String after = served(runtime, host);
        if (!result.ok() || after.equals(before)) {
            throw new IllegalStateException("reload did not swap in the renewed certificate for " + host + ": "
                    + result.message() + " (serial before " + before + ", after " + after + ")");
        }
        System.out.printf(Locale.ROOT, "reload with 1 of %d certificates changed: %.2f s; %d lookups ran meanwhile, "
                        + "longest gap between two %.1f ms%n",
                count, (t1 - t0) / 1e9, lookups.count, lookups.longestGap / 1e6);
    }

    /** Looks up random names in the current snapshot, as handshakes do, until told to stop. */
    private static final class Lookups implements Runnable {
        private final ProxyRuntime runtime;
        private final int names;
        volatile boolean running = true;
        long count;
        long longestGap;
        RuntimeException failure;

        Lookups(ProxyRuntime runtime, int names) {
            this.runtime = runtime;
            this.names = names;
        }

        @Override
        public void run() {
            SplittableRandom r = new SplittableRandom(3);
            long last = System.nanoTime();
            try {
                // Bounded by the reload (the flag) and by count.
                while (running && count < 1_000_000_000L) {
                    String n = "host" + r.nextInt(names) + ".scale.test";
                    if (runtime.snapshots().current().listener("scale").tls().index().select(n).outcome()
                            != dev.terminus.proxy.tls.SniOutcome.EXACT) {
                        throw new IllegalStateException(n + " was not found during the reload");
                    }
                    long now = System.nanoTime();
                    longestGap = Math.max(longestGap, now - last);
                    last = now;
                    count++;
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    private static String served(ProxyRuntime runtime, String host) {
        return runtime.snapshots().current().listener("scale").tls().index().select(host).certificates().get(0)
                .serialHex();
    }

    /** Returns in-memory full handshakes per second for SNI names chosen at random among {@code names}. */
    private static double rate(EngineHandshake hs, SslContext client, ListenerTls server, int names,
                               SplittableRandom random, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int n = 0;
        long start = System.nanoTime();
        // Bounded in time and in count.
        while (System.nanoTime() < end && n < 10_000_000) {
            String host = "host" + random.nextInt(names) + ".scale.test";
            SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, host, 443);
            SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT, host);
            try {
                hs.run(c, s);
            } finally {
                ReferenceCountUtil.release(c);
                ReferenceCountUtil.release(s);
            }
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Writes N certificate files (unless a previous run did; leaf and issuing CA in each chain file,
     * see {@link ScaleCertificates}) and a one-listener YAML config that loads them through
     * {@code certificate-directories}, as a large deployment would.
     */
    static Path ensureConfig(Path dir, int count) throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        long existing;
        try (var files = Files.list(certs)) {
            existing = files.count();
        }
        if (existing != 2L * count) {
            long t0 = System.nanoTime();
            ScaleCertificates.write(certs, count, true);
            System.out.printf(Locale.ROOT, "generated %d certificates in %s (%.1f s)%n", count, dir,
                    (System.nanoTime() - t0) / 1e9);
        }
        Path yaml = dir.resolve("proxy.yaml");
        Files.writeString(yaml, "admin: {address: 127.0.0.1, port: 0}\nlisteners:\n  - name: scale\n    port: 0\n"
                + "    session-resumption: false\n    default-certificate: host0\n"
                + "    certificate-directories: [certs]\n"
                + "    action: {fixed-response: {status: 200, body: \"ok\\n\"}}\n");
        return yaml;
    }

    private static void gc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    private static long heapCommitted() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return -1;
    }

}
