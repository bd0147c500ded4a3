package dev.terminus.benchmarks;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/**
 * Runs a full TLS handshake between a client and a server engine in memory, with no sockets:
 * what is measured is the handshake's CPU work on both sides.
 */
public final class EngineHandshake {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final ByteBuffer clientToServer = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer serverToClient = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer clientApp = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer serverApp = ByteBuffer.allocateDirect(64 * 1024);

    /** Completes the handshake or throws; returns the number of round trips it took. */
    public int run(SSLEngine client, SSLEngine server) throws SSLException {
        clientToServer.clear();
        serverToClient.clear();
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 1; round <= 20; round++) {
            step(client, EMPTY, clientToServer);
            clientToServer.flip();
            unwrap(server, clientToServer, serverApp);
            clientToServer.compact();
            step(server, EMPTY, serverToClient);
            serverToClient.flip();
            unwrap(client, serverToClient, clientApp);
            serverToClient.compact();
            if (done(client) && done(server) && clientToServer.position() == 0 && serverToClient.position() == 0) {
                return round;
            }
        }
        throw new SSLException("handshake did not finish in 20 rounds: client " + client.getHandshakeStatus()
                + ", server " + server.getHandshakeStatus());
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine e, ByteBuffer src, ByteBuffer dst) throws SSLException {
        for (int i = 0; i < 8; i++) {
            SSLEngineResult r = e.wrap(src, dst);
            runTasks(e, r);
            if (r.bytesProduced() == 0 && r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                return;
            }
        }
    }

    private static void unwrap(SSLEngine e, ByteBuffer src, ByteBuffer dst) throws SSLException {
        for (int i = 0; i < 8 && src.hasRemaining(); i++) {
            dst.clear();
            SSLEngineResult r = e.unwrap(src, dst);
            runTasks(e, r);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0) {
                return;
            }
        }
    }

    private static void runTasks(SSLEngine e, SSLEngineResult r) {
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            Runnable task;
            while ((task = e.getDelegatedTask()) != null) {
                task.run();
            }
        }
    }
}
