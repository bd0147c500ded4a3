package dev.terminus.proxy.admin;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** Chooses the server channel type that matches an event loop group's I/O handler. */
final class ServerChannels {

    private ServerChannels() {
    }

    /** Returns the epoll server channel for epoll groups, NIO's for any other group. */
    static Class<? extends ServerChannel> forGroup(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class)) {
            return EpollServerSocketChannel.class;
        }
        return NioServerSocketChannel.class;
    }
}
