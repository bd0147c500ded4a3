package dev.terminus.proxy.admin;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.UNPROCESSABLE_ENTITY;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the admin endpoints on one connection. All methods run on the channel's event loop;
 * only {@link AdminBackend#reload()} and {@link AdminBackend#reopenLogs()} are handed to the
 * blocking executor, and their response is written back on the event loop. While one runs, later
 * pipelined requests are queued so that responses leave in request order (RFC 9112 §9.3.2).
 */
final class AdminHandler extends ChannelInboundHandlerAdapter {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    private final AdminBackend backend;
    private final PrometheusMeterRegistry registry;
    private final Executor blockingExecutor;
    private final Queue<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean reloading;
    private boolean closing;

    AdminHandler(AdminBackend backend, PrometheusMeterRegistry registry, Executor blockingExecutor) {
        this.backend = backend;
        this.registry = registry;
        this.blockingExecutor = blockingExecutor;
    }

    /** What a response needs to know about its request once the request is released. */
    private record Exchange(String endpoint, HttpVersion version, boolean keepAlive) {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (reloading) {
            queued.add(request);
            // Bound the queue: read no more until the reload answers.
            ctx.channel().config().setAutoRead(false);
            return;
        }
        serve(ctx, request);
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            dispatch(ctx, request);
        } finally {
            request.release();
        }
    }

    private void dispatch(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            respond(ctx, new Exchange("invalid", request.protocolVersion(), false),
                    AdminResponses.text(BAD_REQUEST, "bad request\n"));
            return;
        }
        Endpoint endpoint = Endpoint.find(new QueryStringDecoder(request.uri()).path());
        if (endpoint == null) {
            respond(ctx, new Exchange("unmatched", request.protocolVersion(), keepAlive),
                    AdminResponses.text(NOT_FOUND, "not found\n"));
            return;
        }
        Exchange exchange = new Exchange(endpoint.name().toLowerCase(Locale.ROOT),
                request.protocolVersion(), keepAlive);
        if (!endpoint.method().equals(request.method())) {
            respond(ctx, exchange, AdminResponses.methodNotAllowed(endpoint.method()));
            return;
        }
        if (endpoint == Endpoint.RELOAD) {
            startReload(ctx, exchange, "reload", backend::reload);
            return;
        }
        if (endpoint == Endpoint.REOPEN_LOGS) {
            startReload(ctx, exchange, "reopen-logs", backend::reopenLogs);
            return;
        }
        FullHttpResponse response;
        try {
            response = switch (endpoint) {
                case HEALTHZ -> backend.live()
                        ? AdminResponses.text(OK, "ok")
                        : AdminResponses.text(SERVICE_UNAVAILABLE, "not live");
                case READYZ -> readyz();
                case METRICS -> metrics(ctx, request.headers().get(HttpHeaderNames.ACCEPT));
                case CERTIFICATES -> AdminResponses.json(OK, AdminJson.certificates(backend.certificates()));
                case TARGETS -> AdminResponses.json(OK, AdminJson.targets(backend.targets()));
                case RELOAD, REOPEN_LOGS -> throw new AssertionError("handled above");
            };
        } catch (RuntimeException e) {
            log.warn("admin {} failed", endpoint.path(), e);
            response = AdminResponses.text(INTERNAL_SERVER_ERROR, "internal error\n");
        }
        respond(ctx, exchange, response);
    }

    private FullHttpResponse readyz() {
        AdminBackend.Readiness readiness = backend.readiness();
        return AdminResponses.json(readiness.ready() ? OK : SERVICE_UNAVAILABLE, AdminJson.readiness(readiness));
    }

    /**
     * Scrapes on the event loop: it is an in-memory walk of the meters, and queueing it behind a
     * slow reload on the blocking executor would make Prometheus time out.
     */
    private FullHttpResponse metrics(ChannelHandlerContext ctx, String accept) {
        String contentType = metricsContentType(accept);
        ByteBuf body = ctx.alloc().buffer();
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            registry.scrape(out, contentType);
        } catch (IOException | RuntimeException e) {
            body.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return AdminResponses.of(OK, contentType, body);
    }

    /** Chooses OpenMetrics when the client lists it, as Prometheus' own client library does. */
    static String metricsContentType(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
                ? OPENMETRICS_TEXT
                : PROMETHEUS_TEXT;
    }

    /** Runs {@code action} (a reload or a log reopen, both file work) on the blocking executor. */
    private void startReload(ChannelHandlerContext ctx, Exchange exchange, String what,
                             Supplier<AdminBackend.ReloadResult> action) {
        reloading = true;
        try {
            blockingExecutor.execute(() -> runReload(ctx, exchange, what, action));
        } catch (RejectedExecutionException e) {
            reloading = false;
            log.warn("admin {} rejected by the blocking executor", what, e);
            respond(ctx, exchange, AdminResponses.json(SERVICE_UNAVAILABLE,
                    AdminJson.reloadResult(false, what + " rejected: blocking executor is saturated or shut down")));
        }
    }

    /** Runs on the blocking executor, never on an event loop. */
    private void runReload(ChannelHandlerContext ctx, Exchange exchange, String what,
                           Supplier<AdminBackend.ReloadResult> action) {
        FullHttpResponse response;
        try {
            AdminBackend.ReloadResult result = action.get();
            if (!result.ok()) {
                log.warn("admin {} refused: {}", what, result.message());
            }
            response = AdminResponses.json(result.ok() ? OK : UNPROCESSABLE_ENTITY,
                    AdminJson.reloadResult(result.ok(), result.message()));
        } catch (RuntimeException e) {
            log.error("admin {} threw", what, e);
            response = AdminResponses.json(INTERNAL_SERVER_ERROR,
                    AdminJson.reloadResult(false, what + " failed: " + e));
        }
        FullHttpResponse done = response;
        try {
            ctx.executor().execute(() -> finishReload(ctx, exchange, done));
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down; nobody is left to read the answer.
            done.release();
        }
    }

    private void finishReload(ChannelHandlerContext ctx, Exchange exchange, FullHttpResponse response) {
        reloading = false;
        respond(ctx, exchange, response);
        while (!reloading && !closing && !queued.isEmpty()) {
            serve(ctx, queued.poll());
        }
        if (!reloading && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void respond(ChannelHandlerContext ctx, Exchange exchange, FullHttpResponse response) {
        registry.counter("terminus.admin.requests",
                "endpoint", exchange.endpoint(), "status", Integer.toString(response.status().code()))
                .increment();
        if (closing) {
            response.release();
            return;
        }
        closing = !exchange.keepAlive();
        AdminResponses.send(ctx, exchange.version(), exchange.keepAlive(), response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseQueued();
    }

    private void releaseQueued() {
        FullHttpRequest request;
        while ((request = queued.poll()) != null) {
            request.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Admin clients hang up mid-response routinely; nothing here is worth more than debug.
        log.debug("admin connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
