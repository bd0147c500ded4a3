package dev.terminus.benchmarks;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/**
 * Runs a TLS handshake between a client and a server engine in memory, with no sockets: what is
 * measured is the handshake's CPU work on both sides.
 */
public final class EngineHandshake {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final ByteBuffer clientToServer = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer serverToClient = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer clientApp = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer serverApp = ByteBuffer.allocateDirect(64 * 1024);
    private int clientBytes;
    private int serverBytes;

    /** Completes the handshake or throws; returns the number of round trips it took. */
    public int run(SSLEngine client, SSLEngine server) throws SSLException {
        clientToServer.clear();
        serverToClient.clear();
        clientBytes = 0;
        serverBytes = 0;
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 1; round <= 20; round++) {
            clientBytes += step(client, EMPTY, clientToServer);
            clientToServer.flip();
            unwrap(server, clientToServer, serverApp);
            clientToServer.compact();
            serverBytes += step(server, EMPTY, serverToClient);
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

    /**
     * Sends the first application bytes of a response from the server to the client after
     * {@link #run}, and has the client read them; counts the server's bytes into
     * {@link #serverBytes}. BoringSSL sends TLS 1.3 session tickets only with the first
     * application data it writes (as a real server does with its first response), so a client
     * that is to resume needs this to receive them.
     */
    public void serverSpeaks(SSLEngine client, SSLEngine server, byte[] response) throws SSLException {
        serverToClient.clear();
        SSLEngineResult r = server.wrap(ByteBuffer.wrap(response), serverToClient);
        if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() != response.length) {
            throw new SSLException("server could not send " + response.length + " bytes: " + r);
        }
        serverBytes += r.bytesProduced();
        serverToClient.flip();
        int read = 0;
        clientApp.clear();
        for (int i = 0; i < 8 && serverToClient.hasRemaining(); i++) {
            r = client.unwrap(serverToClient, clientApp);
            read += r.bytesProduced();
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                break;
            }
        }
        if (read != response.length || serverToClient.hasRemaining()) {
            throw new SSLException("client read " + read + " of " + response.length + " bytes, "
                    + serverToClient.remaining() + " left unread: " + r);
        }
        serverToClient.clear();
    }

    /** Returns the TLS bytes the client sent in the last {@link #run}, records and headers included. */
    public int clientBytes() {
        return clientBytes;
    }

    /**
     * Returns the TLS bytes the server sent in the last {@link #run}: a resumed handshake sends
     * no certificate chain, so this is a provider-independent proof of resumption.
     */
    public int serverBytes() {
        return serverBytes;
    }

    /** Wraps everything the engine has to send; returns the number of bytes produced. */
    private static int step(SSLEngine e, ByteBuffer src, ByteBuffer dst) throws SSLException {
        int produced = 0;
        for (int i = 0; i < 8; i++) {
            SSLEngineResult r = e.wrap(src, dst);
            runTasks(e, r);
            produced += r.bytesProduced();
            if (r.bytesProduced() == 0 && r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                break;
            }
        }
        return produced;
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
