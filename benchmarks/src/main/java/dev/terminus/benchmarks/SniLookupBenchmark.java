package dev.terminus.benchmarks;

import dev.terminus.proxy.tls.CertificateIndex;
import dev.terminus.proxy.tls.SecurityPolicy;
import dev.terminus.proxy.tls.TlsProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * SNI selection cost with 1, 10,000 and 100,000 names: random exact names, random names under
 * wildcards, and unknown names (which fall through both maps to the default). The cost must not
 * grow with the number of names.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SniLookupBenchmark {
    @Param({"1", "10000", "100000"})
    public int names;

    private TlsFixture fixture;
    private CertificateIndex index;
    private String[] exact;
    private String[] wildcard;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        // Every certificate carries one exact name and one wildcard. The index never looks at
        // key material, so they share one real certificate's (see TlsFixture.synthetic).
        fixture = TlsFixture.synthetic(TlsProvider.detect(false), SecurityPolicy.DEFAULT, names,
                i -> List.of("host" + i + ".exact.test", "*.zone" + i + ".wild.test"));
        index = fixture.tls.index();
        SplittableRandom r = new SplittableRandom(7);
        exact = new String[4096];
        wildcard = new String[4096];
        for (int i = 0; i < exact.length; i++) {
            int n = r.nextInt(names);
            exact[i] = "host" + n + ".exact.test";
            wildcard[i] = "www.zone" + n + ".wild.test";
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public Object exact() {
        return index.select(exact[next++ & 4095]);
    }

    @Benchmark
    public Object wildcard() {
        return index.select(wildcard[next++ & 4095]);
    }

    @Benchmark
    public Object unknown() {
        return index.select("nobody.unknown.test");
    }
}
