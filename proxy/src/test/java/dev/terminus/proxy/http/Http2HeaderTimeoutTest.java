package dev.terminus.proxy.http;

import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slowloris over HTTP/2 through the whole proxy, started from YAML with
 * {@code request-header-timeout: 300ms}: raw frames over TLS that dribble a HEADERS frame, leave a
 * header block open, or send nothing, and a slow body that must not be cut.
 */
class Http2HeaderTimeoutTest {
    private static final long TIMEOUT_MS = 300;
    /** How late the GOAWAY may come: timers on a busy 2-core machine, not the proxy, set this bound. */
    private static final long SLACK_MS = 2_000;
    private static final String HOST = "h2.test";
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADERS = 0x1;
    private static final int DATA = 0x0;
    private static final int SETTINGS = 0x4;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int ENHANCE_YOUR_CALM = 0xb;

    @TempDir
    Path dir;
    TestPki pki;
    ProxyRig rig;

    @BeforeEach
    void start() throws Exception {
        pki = new TestPki(dir);
        TestPki.Files2 cert = pki.ecdsa("h2", HOST);
        rig = new ProxyRig(ProxyRig.writeConfig(dir, ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, cert),
                "request-header-timeout: 300ms\nidle-timeout: 10s"), 60_000);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void dribbledHeadersFrameGetsGoAwayAndTheConnectionCloses() throws Exception {
        try (Connection c = connect()) {
            c.send(PREFACE, frame(SETTINGS, 0, 0, new byte[0]));
            byte[] headers = frame(HEADERS, END_HEADERS | END_STREAM, 1, block("GET"));
            long start = System.nanoTime();
            // The frame's header whole, then its header block one byte at a time, never finished.
            c.send(java.util.Arrays.copyOf(headers, 9));
            for (int i = 9; i < headers.length - 1 && !c.closed(50); i++) {
                c.send(new byte[] {headers[i]});
            }

            c.awaitClosed();
            assertThat(millisSince(start)).isBetween(TIMEOUT_MS - 10, TIMEOUT_MS + SLACK_MS);
            assertThat(c.goAwayCode()).isEqualTo(ENHANCE_YOUR_CALM);
        }
        assertCounted("goaway", 1);
    }

    @Test
    void headerBlockLeftOpenWithoutContinuationGetsGoAway() throws Exception {
        try (Connection c = connect()) {
            long start = System.nanoTime();
            // A whole HEADERS frame without END_HEADERS: its CONTINUATION never comes.
            c.send(PREFACE, frame(SETTINGS, 0, 0, new byte[0]), frame(HEADERS, END_STREAM, 1, block("GET")));

            c.awaitClosed();
            assertThat(millisSince(start)).isBetween(TIMEOUT_MS - 10, TIMEOUT_MS + SLACK_MS);
            assertThat(c.goAwayCode()).isEqualTo(ENHANCE_YOUR_CALM);
        }
        assertCounted("goaway", 1);
    }

    @Test
    void silentConnectionIsClosedWithoutGoAway() throws Exception {
        try (Connection c = connect()) {
            long start = System.nanoTime();

            c.awaitClosed();
            assertThat(millisSince(start)).isBetween(TIMEOUT_MS - 10, TIMEOUT_MS + SLACK_MS);
            assertThat(c.goAwayCode()).isNull();
        }
        assertCounted("closed", 1);
        assertCounted("goaway", 0);
    }

    @Test
    void wholeHeadersThenASlowBodyAndAnIdleConnectionAreNotCut() throws Exception {
        try (Connection c = connect()) {
            c.send(PREFACE, frame(SETTINGS, 0, 0, new byte[0]), frame(HEADERS, END_HEADERS, 1, block("POST")));
            // The body comes after several header timeouts: that is the body's business, not this timer's.
            assertThat(c.closed(3 * TIMEOUT_MS)).as("closed while the body was awaited").isFalse();
            c.send(frame(DATA, END_STREAM, 1, "late".getBytes(StandardCharsets.US_ASCII)));
            assertThat(c.closed(3 * TIMEOUT_MS)).as("closed while idle after a whole request").isFalse();
            assertThat(c.types()).contains(HEADERS).doesNotContain(GOAWAY);
        }
        assertCounted("goaway", 0);
        assertCounted("closed", 0);
    }

    // ---- raw HTTP/2 ----

    /** An HPACK block of static-table entries and one literal: {@code :method :scheme :path :authority}. */
    private static byte[] block(String method) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(method.equals("GET") ? 0x82 : 0x83);
        b.write(0x87); // :scheme https
        b.write(0x84); // :path /
        b.write(0x41); // :authority, literal with incremental indexing
        b.write(HOST.length());
        b.writeBytes(HOST.getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length)
                .put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                .put((byte) type).put((byte) flags).putInt(stream).put(payload).array();
    }

    private Connection connect() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().getCertificate());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), rig.port());
        SSLParameters p = socket.getSSLParameters();
        p.setApplicationProtocols(new String[] {"h2"});
        p.setServerNames(List.of(new SNIHostName(HOST)));
        socket.setSSLParameters(p);
        socket.setSoTimeout((int) (10 * SLACK_MS)); // the reader's bound; every wait below has its own
        socket.startHandshake();
        assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
        return new Connection(socket);
    }

    /** A raw HTTP/2 connection whose frames a thread of its own reads until the end of the stream. */
    private static final class Connection implements AutoCloseable {
        private final SSLSocket socket;
        private final OutputStream out;
        private final List<int[]> frames = new CopyOnWriteArrayList<>(); // {type, goaway error code or -1}
        private final CompletableFuture<Void> ended = new CompletableFuture<>();

        Connection(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            Thread reader = new Thread(() -> {
                try {
                    for (int i = 0; i < 10_000; i++) {
                        int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
                        int type = in.readUnsignedByte();
                        in.readUnsignedByte();
                        in.readInt();
                        byte[] payload = in.readNBytes(length);
                        int code = type == GOAWAY && length >= 8 ? ByteBuffer.wrap(payload, 4, 4).getInt() : -1;
                        frames.add(new int[] {type, code});
                    }
                } catch (EOFException | java.net.SocketException end) {
                    // closed by the proxy (or by us)
                } catch (IOException e) {
                    ended.completeExceptionally(e);
                    return;
                }
                ended.complete(null);
            }, "h2-test-reader");
            reader.setDaemon(true);
            reader.start();
        }

        void send(byte[]... parts) throws IOException {
            for (byte[] part : parts) {
                out.write(part);
            }
            out.flush();
        }

        /** Waits up to {@code millis} for the end of the stream; returns whether it came. */
        boolean closed(long millis) throws Exception {
            try {
                ended.get(millis, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException stillOpen) {
                return false;
            }
        }

        void awaitClosed() throws Exception {
            assertThat(closed(TIMEOUT_MS + SLACK_MS)).as("the proxy closed the connection").isTrue();
        }

        Integer goAwayCode() {
            return frames.stream().filter(f -> f[0] == GOAWAY).map(f -> f[1]).findFirst().orElse(null);
        }

        List<Integer> types() {
            return frames.stream().map(f -> f[0]).toList();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private void assertCounted(String outcome, double expected) {
        assertThat(rig.awaitCount(expected, "terminus.http.request.header.timeouts", "outcome", outcome))
                .as("terminus.http.request.header.timeouts{outcome=%s}", outcome).isEqualTo(expected);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
