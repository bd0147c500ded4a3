package dev.terminus.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One keep-alive HTTP/1.1 request through the proxy's real downstream handlers
 * ({@link HttpPipelines}: codec, flow control, {@link RequestHandler}), on {@link EmbeddedChannel}s
 * with no sockets and no TLS, in the caller's thread.
 *
 * <ul>
 *   <li>{@code forward}: the request is routed to a backend, forwarded by {@link ForwardExchange}
 *       over a kept-alive backend connection (an {@code EmbeddedChannel} with the proxy's own
 *       client pipeline, reused for every request), the backend's response is fed in and relayed
 *       back to the client;</li>
 *   <li>{@code fixedResponse}: the listener answers itself ({@code fixed-response}).</li>
 * </ul>
 *
 * <p>The request is what {@code compare.sh}'s wrk sends, the backend's response what its nginx
 * backend answers. Each side's bytes arrive in a pooled direct buffer as a socket read would
 * deliver them. Every operation checks the bytes the client and the backend got, and that the
 * backend connection was reused; the tear-down prints the writes and flushes per request that
 * reached each connection's transport (each flush of the client connection is one TLS record and
 * one write system call on a real listener). Run with {@code -prof gc} for allocation per request.
 *
 * <p>In package {@code dev.terminus.proxy.http} because the connector that stands in for the
 * backend socket is package-private ({@code HttpPipelines.configure(..., Connector)}, as the
 * proxy's own tests use it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=dev.terminus.benchmarks.EventLoopThreads"})
public class ForwardBenchmark {
    private static final ConnectionInfo CLIENT = new ConnectionInfo(new InetSocketAddress("127.0.0.1", 50_000),
            8443, "https", "bench.test", "TLSv1.3", "TLS_AES_128_GCM_SHA256");
    private static final RouteAction.Forward BACKEND = new RouteAction.Forward("127.0.0.1", 8080);
    private static final RouteAction.FixedResponse FIXED = new RouteAction.FixedResponse(200, "text/plain", "ok");

    private static final byte[] REQUEST = ascii("GET / HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n\r\n");
    private static final byte[] BACKEND_RESPONSE = ascii("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
            + "Date: Sat, 28 Nov 2026 12:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            + "Connection: keep-alive\r\n\r\nok");

    private final List<EmbeddedChannel> backends = new ArrayList<>();
    private EmbeddedChannel forwarding;
    private EmbeddedChannel fixed;
    private final Transport forwardingTransport = new Transport();
    private final Transport backendTransport = new Transport();
    private final Transport fixedTransport = new Transport();
    /** Bytes the backend, the forwarding client and the fixed-response client must receive per request. */
    private int forwardedBytes;
    private int relayedBytes;
    private int fixedBytes;

    @Setup(Level.Trial)
    public void setUp() {
        if (!FastThreadLocalThread.currentThreadHasFastThreadLocal()) {
            // Netty recycles per-write objects only on event-loop-like threads: elsewhere the
            // allocation figures would count objects that a real listener never allocates.
            throw new IllegalStateException("run in a forked JVM (not -f 0), whose @Fork settings make JMH's "
                    + "threads FastThreadLocalThreads (dev.terminus.benchmarks.EventLoopThreads)");
        }
        forwarding = new EmbeddedChannel();
        forwarding.pipeline().addLast("transport", forwardingTransport);
        HttpPipelines.configure(forwarding.pipeline(), null, CLIENT, request -> BACKEND, HttpLimits.defaults(),
                (downstream, target, init, limits) -> {
                    if (!target.equals(BACKEND)) {
                        throw new IllegalStateException("connect to " + target);
                    }
                    EmbeddedChannel backend = new EmbeddedChannel();
                    backend.pipeline().addLast("transport", backendTransport);
                    backend.pipeline().addLast(init);
                    backends.add(backend);
                    return backend.newSucceededFuture();
                });
        fixed = new EmbeddedChannel();
        fixed.pipeline().addLast("transport", fixedTransport);
        HttpPipelines.configure(fixed.pipeline(), null, CLIENT, request -> FIXED, HttpLimits.defaults(),
                (d, t, i, l) -> {
                    throw new IllegalStateException("a fixed response opened a backend connection");
                });

        // The first request opens the backend connection; check what each hop sees once, in full.
        send(forwarding, REQUEST);
        String sent = drain(backend());
        String lower = sent.toLowerCase(Locale.ROOT);
        require(sent.startsWith("GET / HTTP/1.1\r\n") && lower.contains("\r\nhost: 127.0.0.1:8443\r\n")
                && lower.contains("\r\nx-forwarded-for: 127.0.0.1\r\n"), "backend got: " + sent);
        forwardedBytes = sent.length();
        send(backend(), BACKEND_RESPONSE);
        String answer = drain(forwarding);
        require(answer.startsWith("HTTP/1.1 200 OK\r\n") && answer.endsWith("\r\n\r\nok")
                && !answer.toLowerCase(Locale.ROOT).contains("connection:"), "client got: " + answer);
        relayedBytes = answer.length();
        send(fixed, REQUEST);
        String fixedAnswer = drain(fixed);
        require(fixedAnswer.startsWith("HTTP/1.1 200 OK\r\n") && fixedAnswer.endsWith("\r\n\r\nok"),
                "client got: " + fixedAnswer);
        fixedBytes = fixedAnswer.length();
        forwardingTransport.reset();
        backendTransport.reset();
        fixedTransport.reset();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf(Locale.ROOT, "%nper request: forwarding client connection %s; backend connection %s; "
                        + "fixed-response client connection %s%n",
                forwardingTransport.perRequest(), backendTransport.perRequest(), fixedTransport.perRequest());
        forwarding.finishAndReleaseAll();
        fixed.finishAndReleaseAll();
        backends.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Benchmark
    public int forward() {
        forwardingTransport.requests++;
        backendTransport.requests++;
        send(forwarding, REQUEST);
        EmbeddedChannel backend = backend();
        if (backends.size() != 1) {
            throw new IllegalStateException("a new backend connection was opened");
        }
        expect(backend, forwardedBytes);
        send(backend, BACKEND_RESPONSE);
        return expect(forwarding, relayedBytes);
    }

    @Benchmark
    public int fixedResponse() {
        fixedTransport.requests++;
        send(fixed, REQUEST);
        return expect(fixed, fixedBytes);
    }

    private EmbeddedChannel backend() {
        if (backends.isEmpty()) {
            throw new IllegalStateException("no backend connection");
        }
        return backends.get(backends.size() - 1);
    }

    /**
     * Delivers bytes as one socket read would: in a pooled direct buffer, then read-complete.
     * What {@code EmbeddedChannel.writeInbound} does, without its varargs array.
     */
    private static void send(EmbeddedChannel channel, byte[] bytes) {
        ByteBuf buf = channel.alloc().directBuffer(bytes.length).writeBytes(bytes);
        channel.pipeline().fireChannelRead(buf).fireChannelReadComplete();
        channel.runPendingTasks();
        channel.checkException();
    }

    /** Releases what the channel wrote; fails unless it is exactly {@code bytes} long. */
    private static int expect(EmbeddedChannel channel, int bytes) {
        int total = 0;
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            total += buf.readableBytes();
            buf.release();
        }
        if (total != bytes) {
            throw new IllegalStateException(channel + " wrote " + total + " bytes, expected " + bytes);
        }
        return total;
    }

    private static String drain(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Counts what reaches a connection's transport (the first handler, where a socket channel's
     * outbound buffer would take it): writes, the empty ones among them, and flushes.
     */
    private static final class Transport extends ChannelDuplexHandler {
        long requests;
        long writes;
        long emptyWrites;
        long flushes;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes++;
            if (msg instanceof ByteBuf buf && !buf.isReadable()) {
                emptyWrites++;
            }
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }

        void reset() {
            requests = 0;
            writes = 0;
            emptyWrites = 0;
            flushes = 0;
        }

        String perRequest() {
            return requests == 0 ? "-" : String.format(Locale.ROOT, "%.2f writes (%.2f of them empty), %.2f flushes",
                    (double) writes / requests, (double) emptyWrites / requests, (double) flushes / requests);
        }
    }
}
