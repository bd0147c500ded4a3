package dev.terminus.controlplane.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.controlplane.ca.CaCredentials;
import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.Pem;
import dev.terminus.controlplane.store.CaMaterialStore;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that no private key appears in clear in the data directory: after storing CA keys,
 * issued keys (EC and RSA) and an imported key, no file holds any key's PKCS#8 DER, its base64,
 * its PEM body, or its raw secret (EC scalar, RSA private exponent and primes).
 */
class ClearTextSearchTest {

    @TempDir
    Path dir;

    @Test
    void ok_noPrivateKeyBytesInClearInTheDataDirectory() throws IOException {
        Path dataDir = dir.resolve("data");
        List<PrivateKey> keys = new ArrayList<>();
        try (ServiceFixture fixture = new ServiceFixture(dataDir)) {
            List<String> arns = new ArrayList<>();
            arns.add(fixture.service.requestCertificate(RequestCertificateRequest.of("us-east-1", "ec.example.com")
                    .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1)).certificateArn());
            arns.add(fixture.service.requestCertificate(RequestCertificateRequest.of("eu-west-1", "rsa.example.com")
                    .withKeyAlgorithm(KeyAlgorithm.RSA_2048)).certificateArn());
            KeyPair imported = TestPki.ec("secp384r1");
            TestPki.Issued ca = TestPki.ca("Ext", ServiceFixture.START.minusSeconds(60), ServiceFixture.START.plus(Duration.ofDays(90)));
            arns.add(fixture.service.importCertificate(ImportCertificateRequest.of("us-east-1",
                    Pem.write(TestPki.leaf("CN=imp.example.com", imported, List.of(), ServiceFixture.START.minusSeconds(60),
                            ServiceFixture.START.plus(Duration.ofDays(60)), ca).certificate()),
                    Pem.write(ca.certificate()), Pem.writePrivateKey(imported.getPrivate()))).certificateArn());
            keys.add(imported.getPrivate());
            arns.forEach(arn -> keys.add(fixture.store.certificates().privateKey(arn)));
            CaMaterialStore.CaMaterial material = fixture.store.caMaterial().load().orElseThrow();
            keys.add(material.root().privateKey());
            material.subordinates().values().stream().map(CaCredentials::privateKey).forEach(keys::add);
        }
        assertThat(keys).hasSize(7);

        Map<String, byte[]> needles = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            needles.putAll(needles("key" + i, keys.get(i)));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).as("the database files").isNotEmpty();
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            needles.forEach((name, needle) -> assertThat(indexOf(content, needle)).as(name + " in " + file).isEqualTo(-1));
        }

        // The search itself works: a file holding one of the needles is caught.
        Path planted = dir.resolve("planted.bin");
        Files.write(planted, concat(new byte[100], needles.values().iterator().next(), new byte[100]));
        assertThat(indexOf(Files.readAllBytes(planted), needles.values().iterator().next())).isEqualTo(100);
    }

    private static Map<String, byte[]> needles(String name, PrivateKey key) {
        Map<String, byte[]> needles = new LinkedHashMap<>();
        byte[] der = key.getEncoded();
        needles.put(name + " PKCS#8 DER", der);
        needles.put(name + " base64", Base64.getEncoder().encode(der));
        String pem = Pem.writePrivateKey(key);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").strip();
        needles.put(name + " PEM body", body.getBytes(StandardCharsets.US_ASCII));
        needles.put(name + " PEM body without line breaks", body.replaceAll("\\s", "").getBytes(StandardCharsets.US_ASCII));
        needles.put(name + " PEM first line", body.lines().findFirst().orElseThrow().getBytes(StandardCharsets.US_ASCII));
        if (key instanceof ECPrivateKey ec) {
            needles.put(name + " EC scalar", unsigned(ec.getS()));
        } else if (key instanceof RSAPrivateCrtKey rsa) {
            needles.put(name + " RSA private exponent", unsigned(rsa.getPrivateExponent()));
            needles.put(name + " RSA prime p", unsigned(rsa.getPrimeP()));
            needles.put(name + " RSA prime q", unsigned(rsa.getPrimeQ()));
        }
        return needles;
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
