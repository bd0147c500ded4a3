package dev.terminus.proxy.http;

import io.netty.util.concurrent.FastThreadLocalThread;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Profiles {@link ForwardBenchmark}'s request on an event-loop-like thread with Flight Recorder
 * and prints either where it allocates (every allocation, by site, per request) or where it
 * spends CPU (sampled, by method, self and inclusive). For finding what to change in the HTTP
 * path; the benchmark itself gives the figures to compare before and after.
 *
 * <pre>
 * # allocation sites: with TLABs off, every allocation is an event with its stack (exact, 2,000 requests)
 * java -XX:-UseTLAB -XX:FlightRecorderOptions:stackdepth=128 -cp benchmarks/target/benchmarks.jar \
 *     dev.terminus.proxy.http.ForwardProfile forward
 * # CPU: with TLABs on (allocating without them is slower and would skew the shares)
 * java -XX:FlightRecorderOptions:stackdepth=128 -cp benchmarks/target/benchmarks.jar \
 *     dev.terminus.proxy.http.ForwardProfile forward 20
 * </pre>
 *
 * <p>The operation is {@code forward} or {@code fixedResponse}; the CPU profile runs for the
 * given seconds (default 10) after a warm-up. Its wall time is what the thread got of a shared
 * machine, so only its shares mean anything. Netty's pipelines are deep: without the larger stack
 * depth the recorder cuts stacks at 64 frames, and the proxy's methods near the bottom of a stack
 * lose samples.
 */
public final class ForwardProfile {
    private static final int ALLOCATION_REQUESTS = 2_000;

    private ForwardProfile() {
    }

    public static void main(String[] args) throws Exception {
        String op = args.length > 0 ? args[0] : "forward";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        if (!op.equals("forward") && !op.equals("fixedResponse")) {
            throw new IllegalArgumentException("operation: " + op + " (expected: forward or fixedResponse)");
        }
        Throwable[] failure = new Throwable[1];
        Thread t = new FastThreadLocalThread(() -> {
            try {
                run(op, seconds);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "profiled");
        t.start();
        t.join();
        if (failure[0] != null) {
            throw new IllegalStateException("profiling failed", failure[0]);
        }
    }

    private static void run(String op, int seconds) throws Exception {
        ForwardBenchmark b = new ForwardBenchmark();
        b.setUp();
        Runnable request = op.equals("forward") ? b::forward : b::fixedResponse;
        long end = System.nanoTime() + 15_000_000_000L;
        // Warm-up, bounded in time and count, so that the profile is of compiled code.
        for (int i = 0; i < 2_000_000 && System.nanoTime() < end; i++) {
            request.run();
        }
        boolean tlab = !"false".equals(ManagementFactory.getPlatformMXBean(
                com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption("UseTLAB").getValue());
        Path file = Files.createTempFile("forward-profile", ".jfr");
        try (Recording r = new Recording()) {
            if (tlab) {
                r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
                r.start();
                long stop = System.nanoTime() + seconds * 1_000_000_000L;
                for (long i = 0; i < 100_000_000L && System.nanoTime() < stop; i++) {
                    request.run();
                }
            } else {
                r.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
                r.start();
                for (int i = 0; i < ALLOCATION_REQUESTS; i++) {
                    request.run();
                }
            }
            r.stop();
            r.dump(file);
            if (tlab) {
                System.out.printf(Locale.ROOT, "%n== %s: CPU samples by method (for allocation sites, run with "
                        + "-XX:-UseTLAB)%n", op);
                printCpu(RecordingFile.readAllEvents(file));
            } else {
                System.out.printf(Locale.ROOT, "%n== %s: allocation per request, by site (for CPU, run without "
                        + "-XX:-UseTLAB)%n", op);
                printAllocations(RecordingFile.readAllEvents(file));
            }
        } finally {
            Files.deleteIfExists(file);
            b.tearDown();
        }
    }

    private static void printAllocations(List<RecordedEvent> events) {
        Map<String, long[]> sites = new HashMap<>();
        long bytes = 0;
        long objects = 0;
        for (RecordedEvent e : events) {
            if (e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            String site = "?";
            String caller = "";
            for (int i = 0; i < frames.size(); i++) {
                String m = method(frames.get(i));
                // The site is the first frame outside the JDK; the caller says which path took it.
                if (!m.startsWith("java.") && !m.startsWith("jdk.") && !m.startsWith("sun.")) {
                    site = m;
                    caller = i + 1 < frames.size() ? method(frames.get(i + 1)) : "";
                    break;
                }
            }
            String key = e.getClass("objectClass").getName() + "  at " + site + "  from " + caller;
            long size = e.getLong("allocationSize");
            long[] v = sites.computeIfAbsent(key, k -> new long[2]);
            v[0] += size;
            v[1]++;
            bytes += size;
            objects++;
        }
        System.out.printf(Locale.ROOT, "%.0f bytes, %.1f objects per request%n", (double) bytes / ALLOCATION_REQUESTS,
                (double) objects / ALLOCATION_REQUESTS);
        sites.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).limit(40)
                .forEach(s -> System.out.printf(Locale.ROOT, "%7.1f B %5.2f x  %s%n",
                        (double) s.getValue()[0] / ALLOCATION_REQUESTS,
                        (double) s.getValue()[1] / ALLOCATION_REQUESTS, s.getKey()));
    }

    private static void printCpu(List<RecordedEvent> events) {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : events) {
            if (e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            self.merge(method(frames.get(0)), 1, Integer::sum);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (RecordedFrame f : frames) {
                String m = method(f);
                if (seen.add(m)) {
                    inclusive.merge(m, 1, Integer::sum);
                }
            }
        }
        int total = Math.max(1, samples);
        System.out.printf(Locale.ROOT, "%d samples (stacks cut at the recorder's depth: "
                + "-XX:FlightRecorderOptions:stackdepth=128)%n-- self%n", samples);
        self.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(30)
                .forEach(s -> System.out.printf(Locale.ROOT, "%5.1f%%  %s%n", 100.0 * s.getValue() / total,
                        s.getKey()));
        System.out.printf(Locale.ROOT, "-- inclusive, the proxy's methods%n");
        inclusive.entrySet().stream().filter(s -> s.getKey().startsWith("dev.terminus.proxy.")
                        && !s.getKey().contains("ForwardBenchmark") && !s.getKey().contains("ForwardProfile"))
                .sorted((x, y) -> y.getValue() - x.getValue()).limit(30)
                .forEach(s -> System.out.printf(Locale.ROOT, "%5.1f%%  %s%n", 100.0 * s.getValue() / total,
                        s.getKey()));
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
