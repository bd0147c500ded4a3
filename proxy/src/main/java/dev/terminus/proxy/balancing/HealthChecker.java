package dev.terminus.proxy.balancing;

import dev.terminus.proxy.config.TargetGroupConfig;
import dev.terminus.proxy.http.OffloadedResolverGroup;
import dev.terminus.proxy.http.UpstreamTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Probes targets with HTTP/1.1 {@code GET} requests (over TLS for an HTTPS group) on one event loop of its own, never on a
 * data-path loop: connect, send, wait for the status line, close. Each target is probed every
 * interval (measured from the start of the previous probe); a probe fails on a refused or slow
 * connection, a status outside the matcher, a close before the status, or the timeout.
 *
 * <p>Everything here runs on {@code loop}; {@link #watch} and {@link #unwatch} may be called
 * from any thread and hop onto it.
 */
final class HealthChecker {

    /** Receives state changes, on the health loop. */
    interface Listener {
        void changed(TargetState target, boolean healthy, String why);
    }

    static final String USER_AGENT = "Terminus-HealthChecker/1.0";

    private final EventLoop loop;
    private final Class<? extends Channel> socketClass;
    private final Listener listener;
    private final Clock clock;
    /** Confined to the loop. */
    private final Map<TargetState, Probe> probes = new HashMap<>();

    HealthChecker(EventLoop loop, Class<? extends Channel> socketClass, Listener listener, Clock clock) {
        this.clock = clock;
        this.loop = loop;
        this.socketClass = socketClass;
        this.listener = listener;
    }

    EventLoop loop() {
        return loop;
    }

    /** Starts probing {@code target}, or applies new settings to a target already probed. */
    void watch(TargetState target, TargetGroupConfig.HealthCheck settings) {
        loop.execute(() -> {
            Probe p = probes.get(target);
            if (p == null) {
                p = new Probe(target, settings);
                probes.put(target, p);
                p.schedule(0);
            } else {
                p.settings = settings;
            }
        });
    }

    /** Stops probing {@code target}; a probe under way finishes without effect. */
    void unwatch(TargetState target) {
        loop.execute(() -> {
            Probe p = probes.remove(target);
            if (p != null) {
                p.stop();
            }
        });
    }

    /** Stops every probe. */
    void close() {
        if (!loop.isShuttingDown()) {
            loop.execute(() -> {
                probes.values().forEach(Probe::stop);
                probes.clear();
            });
        }
    }

    private final class Probe {
        final TargetState target;
        TargetGroupConfig.HealthCheck settings;
        ScheduledFuture<?> next;
        Attempt attempt;
        boolean stopped;

        Probe(TargetState target, TargetGroupConfig.HealthCheck settings) {
            this.target = target;
            this.settings = settings;
        }

        void schedule(long delayMillis) {
            next = loop.schedule(this::run, delayMillis, TimeUnit.MILLISECONDS);
        }

        void stop() {
            stopped = true;
            if (next != null) {
                next.cancel(false);
            }
            if (attempt != null) {
                attempt.abandon();
            }
        }

        void run() {
            if (stopped) {
                return;
            }
            TargetGroupConfig.HealthCheck s = settings;
            if (!s.enabled()) {
                target.checked(true, "health checks disabled", clock.instant());
                if (target.forceHealthy()) {
                    listener.changed(target, true, "health checks disabled");
                }
                schedule(s.interval().toMillis());
                return;
            }
            attempt = new Attempt(this, s, System.nanoTime());
            attempt.start();
        }

        void completed(Attempt a, boolean ok, String why) {
            attempt = null;
            if (stopped) {
                return;
            }
            TargetGroupConfig.HealthCheck s = a.settings;
            target.checked(ok, why, clock.instant());
            if (target.recordCheck(ok, s.healthyThreshold(), s.unhealthyThreshold())) {
                listener.changed(target, ok, why);
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - a.startNanos);
            schedule(Math.max(0, settings.interval().toMillis() - elapsed));
        }
    }

    /** One probe request; reports exactly once. */
    private final class Attempt extends ChannelInboundHandlerAdapter {
        final Probe probe;
        final TargetGroupConfig.HealthCheck settings;
        final long startNanos;
        ScheduledFuture<?> timer;
        Channel channel;
        boolean finished;

        Attempt(Probe probe, TargetGroupConfig.HealthCheck settings, long startNanos) {
            this.probe = probe;
            this.settings = settings;
            this.startNanos = startNanos;
        }

        void start() {
            int timeout = (int) Math.max(1, settings.timeout().toMillis());
            timer = loop.schedule(() -> finish(false, "no answer within " + settings.timeout().toMillis() + " ms"),
                    timeout, TimeUnit.MILLISECONDS);
            Attempt self = this;
            ChannelFuture f = new Bootstrap().group(loop).channel(socketClass)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .resolver(OffloadedResolverGroup.INSTANCE)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            UpstreamTls tls = probe.target.tls();
                            if (tls != null) {
                                // An HTTPS group is checked as it is served: a target whose certificate
                                // the proxy refuses is unhealthy. The GET waits in the handler until
                                // the handshake is done; a failed handshake reaches exceptionCaught.
                                ch.pipeline().addLast(tls.newHandler(ch.alloc(), probe.target.address(), timeout));
                            }
                            ch.pipeline().addLast(new HttpClientCodec(), self);
                        }
                    })
                    .connect(OffloadedResolverGroup.addressOf(probe.target.address()));
            channel = f.channel();
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    finish(false, "connect failed: " + done.cause());
                    return;
                }
                FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                        settings.path(), Unpooled.EMPTY_BUFFER);
                get.headers().set(HttpHeaderNames.HOST, probe.target.id())
                        .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                channel.writeAndFlush(get);
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    int code = response.status().code();
                    if (code >= 200) {
                        finish(settings.matcher().matches(code), "status " + code + " (healthy: "
                                + settings.matcher() + ")");
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(false, "closed before answering");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Say the innermost reason: a refused certificate arrives wrapped in a decoder
            // exception and an SSL exception whose own message is generic.
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            finish(false, root == cause ? cause.toString() : cause.getClass().getSimpleName() + ": " + root);
        }

        void abandon() {
            finished = true;
            cleanup();
        }

        private void finish(boolean ok, String why) {
            if (finished) {
                return;
            }
            finished = true;
            cleanup();
            probe.completed(this, ok, why);
        }

        private void cleanup() {
            if (timer != null) {
                timer.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
        }
    }
}
