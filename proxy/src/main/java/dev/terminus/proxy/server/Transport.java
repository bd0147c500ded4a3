package dev.terminus.proxy.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Picks the socket transport: native epoll on Linux (fewer copies and syscalls than NIO),
 * NIO elsewhere or when epoll cannot load, reported at start.
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel,
                        String fallbackReason) {

    /** Returns epoll when available, else NIO with the reason. */
    public static Transport detect() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, null);
        }
        return nio("epoll unavailable: " + Epoll.unavailabilityCause());
    }

    /** Returns the NIO transport. */
    public static Transport nio(String reason) {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, reason);
    }

    /** Returns the client socket class of this transport, for connections the proxy opens itself. */
    public Class<? extends io.netty.channel.Channel> socketChannel() {
        return serverChannel == EpollServerSocketChannel.class
                ? io.netty.channel.epoll.EpollSocketChannel.class
                : io.netty.channel.socket.nio.NioSocketChannel.class;
    }

    /**
     * Tells whether each event loop can own a listening socket of its own on the same port
     * ({@code SO_REUSEPORT}): the kernel then spreads new connections over the loops and every
     * connection is accepted on the loop that serves it, with no hand-off between threads.
     */
    public boolean reusePort() {
        return serverChannel == EpollServerSocketChannel.class;
    }

    /** Creates an event loop group of this transport. */
    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory);
    }
}
