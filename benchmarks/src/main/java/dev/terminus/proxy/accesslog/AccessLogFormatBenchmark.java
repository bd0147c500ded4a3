package dev.terminus.proxy.accesslog;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One access-log line as the writer thread formats it: the entry of a forwarded keep-alive
 * request ({@code compare.sh}'s forward run), written to a stream that counts and drops the
 * bytes. This is the writer's CPU per request, off the event loop but on the same cores.
 *
 * <p>In package {@code dev.terminus.proxy.accesslog} because the formatter is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AccessLogFormatBenchmark {
    private static final AccessLogEntry.Connection CONNECTION = new AccessLogEntry.Connection("forward",
            new InetSocketAddress("127.0.0.1", 50_000), null, "TLSv1.3", "TLS_AES_128_GCM_SHA256", 1_234_567);

    private final Sink sink = new Sink();
    private AccessLogFormat format;
    private long time = 1_796_000_000_000L;

    @Setup
    public void setUp() throws IOException {
        format = new AccessLogFormat(sink);
    }

    @Benchmark
    public long forwardedRequest() throws IOException {
        // A new millisecond per line, a new second every thousand: as under load.
        format.write(new AccessLogEntry(time++, CONNECTION, "HTTP/1.1", "GET", "/", "127.0.0.1:19413", 200, 0, 2,
                "127.0.0.1", 19400, null, 0, 87_000, 141_000, null, "7f3c2a9e0b1d4c5f8a6e2d9c1b0a3f47"));
        return sink.bytes;
    }

    /** Counts what it is given; keeps nothing. */
    private static final class Sink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
