package dev.terminus.benchmarks;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs JMH's benchmark threads as Netty {@code FastThreadLocalThread}s, the kind of thread an
 * event loop is, for benchmarks of handler code. Netty 4.2 recycles objects (outbound-buffer
 * entries, flow-control queues) only on such threads; on a plain JMH thread they would be
 * allocated per request and inflate {@code -prof gc}. Enabled with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=dev.terminus.benchmarks.EventLoopThreads}
 * in the forked JVM (see {@code ForwardBenchmark}'s {@code @Fork}).
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
    /** Called by JMH with the number of worker threads and their name prefix. */
    public EventLoopThreads(int threads, String prefix) {
        super(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
