package dev.terminus.proxy.admin;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Chooses the server channel type that matches an event loop group's I/O handler.
 *
 * <p>The epoll classes are looked up by name because {@code netty-bom} puts
 * {@code netty-transport-native-epoll} in runtime scope, so they are not on the compile
 * classpath; off Linux they are absent altogether and NIO is the only answer.
 */
final class ServerChannels {

    private static final Class<? extends IoHandler> EPOLL_HANDLER =
            load("io.netty.channel.epoll.EpollIoHandler", IoHandler.class);
    private static final Class<? extends ServerChannel> EPOLL_SERVER_CHANNEL =
            load("io.netty.channel.epoll.EpollServerSocketChannel", ServerChannel.class);

    private ServerChannels() {
    }

    /** Returns the epoll server channel for epoll groups, NIO's for any other group. */
    static Class<? extends ServerChannel> forGroup(EventLoopGroup group) {
        if (EPOLL_HANDLER != null && EPOLL_SERVER_CHANNEL != null
                && group instanceof IoEventLoopGroup io && io.isIoType(EPOLL_HANDLER)) {
            return EPOLL_SERVER_CHANNEL;
        }
        return NioServerSocketChannel.class;
    }

    private static <T> Class<? extends T> load(String name, Class<T> type) {
        try {
            // initialize=false: an epoll group exists only if Epoll's native library already loaded.
            return Class.forName(name, false, ServerChannels.class.getClassLoader()).asSubclass(type);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
