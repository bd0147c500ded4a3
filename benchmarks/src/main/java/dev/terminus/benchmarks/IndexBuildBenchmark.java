package dev.terminus.benchmarks;

import dev.terminus.proxy.tls.CertificateIndex;
import dev.terminus.proxy.tls.ListenerTls;
import dev.terminus.proxy.tls.ServedCertificate;
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
import java.util.concurrent.TimeUnit;

/**
 * What a reload costs once the certificates are read: {@code build} builds the SNI index over
 * prepared certificates; {@code swapOneChanged} is a reload in which one certificate among
 * {@code names} changed and the rest reuse their key material: a new index, a new TLS context for
 * the listener, and the swap (one reference write). The re-reading and hashing of every file
 * that a real reload does first is measured by {@link ScaleMain} ("reload").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class IndexBuildBenchmark {
    @Param({"10000", "100000"})
    public int names;

    private SwapFixture fixture;
    private List<ServedCertificate> certificates;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new SwapFixture(names);
        certificates = fixture.current.get().index().certificates();
        fixture.swap();
        fixture.checkServed();
        fixture.swap();
        fixture.checkServed();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public CertificateIndex build() {
        return CertificateIndex.build(certificates, certificates.get(0), false);
    }

    @Benchmark
    public ListenerTls swapOneChanged() throws Exception {
        return fixture.swap();
    }
}
