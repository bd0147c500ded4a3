package dev.terminus.proxy.http;

import io.netty.util.AsciiString;

/**
 * Holds the {@code X-Forwarded-*} values of one downstream connection, formatted once when the
 * connection gets its HTTP handlers rather than for every request it carries: the client's
 * address, the scheme and the listener port never change on a connection. Immutable; shared
 * by the HTTP/2 streams of a connection.
 *
 * @param client the client's address as {@code X-Forwarded-For} carries it (bare IP, no port)
 * @param proto  {@code X-Forwarded-Proto}: {@code https} or {@code http}
 * @param port   {@code X-Forwarded-Port}: the listener port the client connected to
 */
record ForwardedValues(AsciiString client, AsciiString proto, AsciiString port) {

    /** Formats the values of the connection {@code info} describes. */
    static ForwardedValues of(ConnectionInfo info) {
        return new ForwardedValues(new AsciiString(ForwardingHeaders.clientAddress(info.client())),
                new AsciiString(info.scheme()), new AsciiString(Integer.toString(info.localPort())));
    }
}
