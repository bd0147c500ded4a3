package dev.terminus.proxy.http;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.SocketUtils;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Resolves backend host names with the JDK resolver on one dedicated daemon thread, so that the
 * blocking lookup never runs on an event loop. Backends named by IP literal skip it entirely.
 * The load-balancer work replaces this with target groups resolved out of band.
 */
public final class OffloadedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    public static final OffloadedResolverGroup INSTANCE = new OffloadedResolverGroup();

    private static final EventExecutor LOOKUPS =
            new DefaultEventExecutor(new DefaultThreadFactory("terminus-dns", true));

    private OffloadedResolverGroup() {
    }

    /** Returns the address to connect to: resolved for an IP literal, else unresolved for this group. */
    public static InetSocketAddress addressOf(RouteAction.Forward target) {
        return UpstreamPool.address(target);
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor ignored) {
        return new OffloadedNameResolver().asAddressResolver();
    }

    private static final class OffloadedNameResolver extends InetNameResolver {
        OffloadedNameResolver() {
            super(LOOKUPS);
        }

        @Override
        protected void doResolve(String host, Promise<InetAddress> promise) {
            // InetNameResolver calls doResolve on the caller's thread (the event loop): hop off.
            LOOKUPS.execute(() -> {
                try {
                    promise.trySuccess(SocketUtils.addressByName(host));
                } catch (Exception e) {
                    promise.tryFailure(e);
                }
            });
        }

        @Override
        protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
            LOOKUPS.execute(() -> {
                try {
                    promise.trySuccess(List.of(SocketUtils.allAddressesByName(host)));
                } catch (Exception e) {
                    promise.tryFailure(e);
                }
            });
        }
    }
}
