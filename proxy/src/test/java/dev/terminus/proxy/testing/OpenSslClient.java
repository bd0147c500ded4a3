package dev.terminus.proxy.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Drives the real {@code openssl s_client} against a listener and reads what it saw. */
public final class OpenSslClient {
    private static final Pattern SUBJECT = Pattern.compile("(?m)^subject=.*CN ?= ?([^,\\s]+)");
    private static final Pattern PROTOCOL = Pattern.compile("(?m)^\\s*Protocol\\s*:\\s*(\\S+)");
    private static final Pattern NEW = Pattern.compile("(?m)^New, (\\S+), Cipher is (\\S+)");

    private OpenSslClient() {
    }

    /** What one handshake showed. */
    public record Handshake(int exitCode, String output) {
        /** Returns the CN of the certificate the server sent, or {@code null} if none. */
        public String subjectCn() {
            Matcher m = SUBJECT.matcher(output);
            return m.find() ? m.group(1) : null;
        }

        public String protocol() {
            Matcher m = NEW.matcher(output);
            if (m.find()) {
                return m.group(1);
            }
            Matcher p = PROTOCOL.matcher(output);
            return p.find() ? p.group(1) : null;
        }

        public boolean succeeded() {
            return exitCode == 0 && subjectCn() != null && output.contains("Cipher is") && !output.contains("(NONE)");
        }
    }

    /**
     * Connects to 127.0.0.1:port and completes (or fails) one handshake.
     *
     * @param serverName the SNI to send, or {@code null} to send none
     */
    public static Handshake connect(int port, String serverName, String... extra) throws Exception {
        return connect(port, serverName, null, extra);
    }

    /**
     * Connects, sends {@code input} after the handshake and reads until the server closes
     * ({@code -ign_eof}), so that post-handshake messages such as TLS 1.3 tickets are read.
     */
    public static Handshake exchange(int port, String serverName, String input, String... extra) throws Exception {
        String[] args = java.util.Arrays.copyOf(extra, extra.length + 1);
        args[extra.length] = "-ign_eof";
        return connect(port, serverName, input.getBytes(java.nio.charset.StandardCharsets.US_ASCII), args);
    }

    private static Handshake connect(int port, String serverName, byte[] input, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        if (serverName == null) {
            cmd.add("-noservername");
        } else {
            cmd.add("-servername");
            cmd.add(serverName);
        }
        cmd.addAll(List.of(extra));
        Commands.Result r = Commands.run(cmd, input);
        return new Handshake(r.exitCode(), r.output());
    }
}
