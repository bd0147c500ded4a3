package dev.terminus.benchmarks;

import dev.terminus.proxy.tls.CertificateIndex;
import dev.terminus.proxy.tls.ListenerTls;
import dev.terminus.proxy.tls.SniOutcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * SNI lookups while the certificate state is swapped under them, at 100,000 names: group
 * {@code swapping} runs one thread that keeps reloading with one changed certificate (see
 * {@link IndexBuildBenchmark#swapOneChanged}) next to one thread that keeps looking up random
 * names in whatever state is published, as a handshake does (one volatile read, then the index);
 * group {@code quiet} runs the same lookups with no swaps, for comparison. Sampled times: the
 * lookup percentiles and maximum say whether a swap ever holds a lookup up (it takes no lock;
 * what it can do is allocate, and so cause GC pauses). Every lookup must find its exact name, or
 * the iteration fails.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CertificateSwapBenchmark {
    @Param({"100000"})
    public int names;

    private SwapFixture fixture;
    private String[] lookups;

    /** Each lookup thread's position in the name list. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new SwapFixture(names);
        fixture.swap();
        fixture.checkServed();
        SplittableRandom r = new SplittableRandom(11);
        lookups = new String[4096];
        for (int i = 0; i < lookups.length; i++) {
            lookups[i] = i % 64 == 0 ? SwapFixture.CHANGED_NAME : "host" + r.nextInt(names) + ".swap.test";
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    @Group("swapping")
    @GroupThreads(1)
    public ListenerTls swap() throws Exception {
        return fixture.swap();
    }

    @Benchmark
    @Group("swapping")
    @GroupThreads(1)
    public CertificateIndex.Selection lookup(Cursor cursor) {
        return lookup(cursor.next++ & 4095);
    }

    @Benchmark
    @Group("quiet")
    public CertificateIndex.Selection lookupQuiet(Cursor cursor) {
        return lookup(cursor.next++ & 4095);
    }

    private CertificateIndex.Selection lookup(int i) {
        CertificateIndex.Selection s = fixture.current.get().index().select(lookups[i]);
        if (s.outcome() != SniOutcome.EXACT) {
            throw new IllegalStateException(lookups[i] + ": " + s.outcome() + " during a swap");
        }
        return s;
    }
}
