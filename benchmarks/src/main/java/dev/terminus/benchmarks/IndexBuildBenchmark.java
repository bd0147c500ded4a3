package dev.terminus.benchmarks;

import dev.terminus.proxy.tls.CertificateIndex;
import dev.terminus.proxy.tls.SecurityPolicy;
import dev.terminus.proxy.tls.ServedCertificate;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the SNI index over prepared certificates, as a reload does after reading them: the
 * swap itself is one reference write, so the index build is what a reload adds on top of the
 * certificates that changed.
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

    private TlsFixture fixture;
    private List<ServedCertificate> certificates;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        GeneratedCertificates pki = new GeneratedCertificates();
        List<GeneratedCertificates.Pem> pems = new ArrayList<>(names);
        for (int i = 0; i < names; i++) {
            pems.add(pki.leaf("c" + i, false, "host" + i + ".swap.test"));
        }
        fixture = TlsFixture.of(TlsProvider.detect(false), SecurityPolicy.DEFAULT, pems);
        certificates = fixture.tls.index().certificates();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public CertificateIndex build() {
        return CertificateIndex.build(certificates, certificates.get(0), false);
    }
}
