package dev.terminus.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives full TLS handshakes against running proxies over loopback, each connection asking
 * for a name chosen at random among {@code host0..host<N-1>.scale.test}, and reports for each
 * target the handshakes per second and the CPU time per handshake of the proxy's event-loop
 * threads (from {@code /proc/<pid>/task/* /stat}: the handshake work itself, without the JIT
 * compiler threads that are still busy after a warm-up on two shared cores, nor the collector).
 * Targets are measured in interleaved rounds, so that a change in machine load hits every target
 * alike; ratios between targets are the result.
 *
 * <p>Why not {@code h2load} or {@code openssl s_time}: h2load sends one SNI name per run, and
 * s_time runs one handshake at a time with a process-wide client that, on two cores, measures
 * the client. This client is Netty with BoringSSL, like the proxy, on one event-loop thread with
 * a fixed number of connections in flight; each connection does the handshake and closes. One in
 * sixteen handshakes checks that the proxy served the certificate of the name asked for.
 *
 * <pre>java -cp benchmarks.jar dev.terminus.benchmarks.HandshakeLoad [--seconds S] [--rounds R]
 *     [--warmup W] [--connections C] LABEL=PORT,PID,NAMES ...</pre>
 */
public final class HandshakeLoad {
    private record Target(String label, int port, long pid, int names) {
    }

    private HandshakeLoad() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = 4;
        double warmup = 6;
        int rounds = 3;
        int connections = 8;
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                default -> {
                    String[] kv = args[i].split("=", 2);
                    String[] v = kv[1].split(",");
                    targets.add(new Target(kv[0], Integer.parseInt(v[0]), Long.parseLong(v[1]), Integer.parseInt(v[2])));
                }
            }
        }
        if (targets.isEmpty()) {
            System.err.println("usage: HandshakeLoad [--seconds S] [--rounds R] [--warmup W] [--connections C] "
                    + "LABEL=PORT,PID,NAMES ...");
            System.exit(2);
        }
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).protocols("TLSv1.3").build();
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            for (Target t : targets) {
                run(group, epoll, client, t, warmup, connections); // JIT warm-up, both sides
            }
            double[][] rate = new double[targets.size()][rounds];
            double[][] cpu = new double[targets.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
                for (int i = 0; i < targets.size(); i++) {
                    double[] m = run(group, epoll, client, targets.get(i), seconds, connections);
                    rate[i][r] = m[0];
                    cpu[i][r] = m[1];
                    line.append(String.format(Locale.ROOT, "  %s %.0f/s (%.0f us event-loop CPU each)",
                            targets.get(i).label(), m[0], m[1]));
                }
                System.out.println(line);
            }
            for (int i = 0; i < targets.size(); i++) {
                System.out.printf(Locale.ROOT, "%s: %.0f handshakes/s, %.0f us of event-loop CPU per handshake"
                                + " (mean of %d rounds of %.0f s, %d connections in flight)%n",
                        targets.get(i).label(), mean(rate[i]), mean(cpu[i]), rounds, seconds, connections);
            }
            for (int i = 1; i < targets.size(); i++) {
                System.out.printf(Locale.ROOT, "%s vs %s: %.1f%% of the handshake rate, %.1f%% of the handshakes per "
                                + "event-loop CPU-second%n", targets.get(i).label(), targets.get(0).label(),
                        100 * mean(rate[i]) / mean(rate[0]), 100 * mean(cpu[0]) / mean(cpu[i]));
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Runs handshakes for {@code seconds}; returns handshakes per second and event-loop CPU microseconds per handshake. */
    private static double[] run(EventLoopGroup group, boolean epoll, SslContext client, Target t, double seconds,
                                int connections) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(connections);
        SplittableRandom random = new SplittableRandom(t.names() * 31L + System.nanoTime());
        Bootstrap b = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_LINGER, 0);
        long cpu0 = cpuMicros(t.pid());
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            next(b, client, t, random, end, done, failed, finished);
        }
        // Bounded: every chain of connections stops at the deadline; a stuck one times out here.
        if (!finished.await((long) (seconds * 1000) + 30_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(t.label() + ": connections still open 30 s after the deadline");
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long cpu = cpuMicros(t.pid()) - cpu0;
        if (failed.get() > 0) {
            throw new IllegalStateException(t.label() + ": " + failed.get() + " handshakes failed");
        }
        return new double[] {done.get() / elapsed, done.get() == 0 ? 0 : (double) cpu / done.get()};
    }

    /** Opens one connection; when its handshake ends, opens the next until the deadline. */
    private static void next(Bootstrap b, SslContext client, Target t, SplittableRandom random, long end,
                             AtomicLong done, AtomicLong failed, CountDownLatch finished) {
        if (System.nanoTime() >= end) {
            finished.countDown();
            return;
        }
        int n;
        synchronized (random) {
            n = random.nextInt(t.names());
        }
        String host = "host" + n + ".scale.test";
        boolean check = (done.get() & 15) == 0;
        ChannelFuture f = b.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                SslHandler ssl = client.newHandler(ch.alloc(), host, 443);
                ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof SslHandshakeCompletionEvent e) {
                            boolean ok = e.isSuccess() && (!check || servedFor(ssl, "host" + n));
                            (ok ? done : failed).incrementAndGet();
                            ctx.close();
                        }
                    }
                });
            }
        }).connect("127.0.0.1", t.port());
        f.addListener(cf -> {
            if (!cf.isSuccess()) {
                failed.incrementAndGet();
                finished.countDown();
                return;
            }
            Channel ch = f.channel();
            ch.closeFuture().addListener(x -> next(b, client, t, random, end, done, failed, finished));
        });
    }

    private static boolean servedFor(SslHandler ssl, String cn) {
        try {
            X509Certificate leaf = (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
            return leaf.getSubjectX500Principal().getName().equals("CN=" + cn);
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    /**
     * Returns the user plus system CPU time, in microseconds, of a process's Netty event-loop
     * threads (named {@code multiThreadIoEventLoopGroup-*}, which the kernel cuts to 15 characters).
     */
    static long cpuMicros(long pid) throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith("multiThreadIoEv")) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // Fields 14 and 15 (utime, stime) counted from 1, in clock ticks of 1/100 s on Linux.
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (java.nio.file.NoSuchFileException e) {
                    // The thread ended between the listing and the read.
                }
            }
        }
        return ticks * 10_000L;
    }
}
