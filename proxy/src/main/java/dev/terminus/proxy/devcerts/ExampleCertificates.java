package dev.terminus.proxy.devcerts;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates the example certificates that {@code config/proxy.yaml} serves: a local
 * "Terminus Example CA" and two leaves it signed, one ECDSA P-256 and one RSA 2048, for
 * {@code localhost}, {@code terminus.test}, {@code *.terminus.test} and {@code 127.0.0.1}.
 *
 * <p>For development and demos only: keys are generated on this machine at run time and never
 * checked in. The CA's private key is discarded once the leaves are signed, so trusting
 * {@code ca.pem} trusts exactly these two leaves and nothing minted later.
 *
 * <p>A complete, unexpired set is left alone. Otherwise the whole set is generated again (the
 * leaves must match the CA) and each file is written to a temporary file and moved into place;
 * {@code ca.pem} is removed first and moved in last, so an interrupted run leaves an incomplete
 * set that the next run replaces.
 */
public final class ExampleCertificates {

    static final String ECDSA_CHAIN = "example-ecdsa.pem";
    static final String ECDSA_KEY = "example-ecdsa.key";
    static final String RSA_CHAIN = "example-rsa.pem";
    static final String RSA_KEY = "example-rsa.key";
    static final String CA = "ca.pem";
    /** Every file of a set, in the order they are moved into place: {@link #CA} last. */
    static final List<String> FILES = List.of(ECDSA_CHAIN, ECDSA_KEY, RSA_CHAIN, RSA_KEY, CA);

    private static final Set<PosixFilePermission> KEY_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> CERT_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");
    private static final String LOCK = ".lock";

    private ExampleCertificates() {
    }

    /** Generates the example set into the directory named by {@code args[0]}; prints one line per file written. */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 1 || args[0].startsWith("-")) {
            err.println("usage: java -cp terminus-proxy.jar " + ExampleCertificates.class.getName()
                    + " <output-directory>");
            err.println("Generates a local example CA and ECDSA/RSA leaf certificates for localhost, "
                    + "terminus.test and *.terminus.test, unless a complete set is already there.");
            return 2;
        }
        try {
            for (Path written : ensure(Path.of(args[0]))) {
                out.println("generated " + written);
            }
            return 0;
        } catch (IOException | UncheckedIOException e) {
            err.println("cannot write example certificates to " + args[0] + ": " + e);
            return 1;
        }
    }

    /**
     * Makes sure {@code dir} holds a complete, currently valid example set, generating a new one
     * if any file is missing or a leaf has expired.
     *
     * @return the files written, in write order; empty when the existing set was left alone
     */
    public static List<Path> ensure(Path dir) throws IOException {
        return ensure(dir, Clock.systemUTC());
    }

    static List<Path> ensure(Path dir, Clock clock) throws IOException {
        Files.createDirectories(dir);
        // Two launchers started together must not interleave two different sets.
        try (FileChannel lockFile = FileChannel.open(dir.resolve(LOCK),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lockFile.lock(); // released when the channel closes
            if (isComplete(dir, clock)) {
                return List.of();
            }
            return write(dir, new ExampleIssuer().issue(clock.instant()));
        }
    }

    private static boolean isComplete(Path dir, Clock clock) {
        for (String name : FILES) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                return false;
            }
        }
        Date now = Date.from(clock.instant());
        for (String chain : List.of(ECDSA_CHAIN, RSA_CHAIN)) {
            try (InputStream in = Files.newInputStream(dir.resolve(chain))) {
                X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(in);
                leaf.checkValidity(now);
            } catch (IOException | CertificateException e) {
                // Expired (395-day leaves outlive few checkouts) or unreadable: issue a new set.
                return false;
            }
        }
        return true;
    }

    private static List<Path> write(Path dir, ExampleIssuer.PemSet set) throws IOException {
        Map<String, String> contents = new LinkedHashMap<>();
        contents.put(ECDSA_CHAIN, set.ecdsaChain());
        contents.put(ECDSA_KEY, set.ecdsaKey());
        contents.put(RSA_CHAIN, set.rsaChain());
        contents.put(RSA_KEY, set.rsaKey());
        contents.put(CA, set.ca());
        Files.deleteIfExists(dir.resolve(CA));
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> file : contents.entrySet()) {
            boolean key = file.getKey().endsWith(".key");
            Path target = dir.resolve(file.getKey());
            writeAtomically(target, file.getValue(), key ? KEY_PERMISSIONS : CERT_PERMISSIONS);
            written.add(target);
        }
        return List.copyOf(written);
    }

    private static void writeAtomically(Path target, String text, Set<PosixFilePermission> permissions)
            throws IOException {
        boolean posix = target.getFileSystem().supportedFileAttributeViews().contains("posix");
        // Created 0600 from the start, so a key is never readable by others, not even briefly.
        Path temp = posix
                ? Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp",
                        PosixFilePermissions.asFileAttribute(KEY_PERMISSIONS))
                : Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.US_ASCII.encode(text));
                channel.force(true);
            }
            if (posix) {
                Files.setPosixFilePermissions(temp, permissions);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
