package dev.terminus.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loads control-plane YAML: defaults, the example file, and refusals that name file and key. */
class ConfigLoaderTest {

    @TempDir
    Path dir;

    private ControlPlaneConfig load(String yaml) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("cp.yaml"), yaml), Map.of());
    }

    @Test
    void ok_defaults() throws Exception {
        ControlPlaneConfig config = load("");
        assertThat(config.dataDir()).isEqualTo(dir.resolve("data/control-plane"));
        assertThat(config.kekFile()).isEqualTo(dir.resolve("data/control-plane/kek"));
        assertThat(config.api()).isEqualTo(new ControlPlaneConfig.Api("127.0.0.1", 8600));
        assertThat(config.account()).isEqualTo("000000000000");
        assertThat(config.regions()).containsExactly("us-east-1", "eu-west-1");
        assertThat(config.globalRegion()).isEqualTo("us-east-1");
        assertThat(config.renewalWindow()).isEqualTo(Duration.ofDays(60));
        assertThat(config.revocationBaseUrl()).hasToString("https://127.0.0.1:8600");
        assertThat(config.caChainFile()).isEqualTo(dir.resolve("data/control-plane/ca-chain.pem"));
    }

    @Test
    void ok_noWebhooksWrittenAsAnEmptyKeyOrAnEmptyList() throws Exception {
        for (String webhooks : new String[] {"webhooks:", "webhooks: []", "webhooks: ~"}) {
            assertThat(load("events:\n  " + webhooks + "\n").webhooks()).as(webhooks).isEmpty();
        }
    }

    @Test
    void ok_exampleFileOfTheRepository() {
        Path example = Path.of("../config/control-plane.yaml");
        ControlPlaneConfig config = ConfigLoader.load(example, Map.of());
        assertThat(config.dataDir()).isEqualTo(example.toAbsolutePath().getParent().resolve("../data/control-plane").normalize());
        assertThat(config.api().port()).isEqualTo(8600);
    }

    @Test
    void ok_kekFromEnvironmentWhenNoFileIsNamed() throws Exception {
        ControlPlaneConfig config = ConfigLoader.load(Files.writeString(dir.resolve("cp.yaml"), "account: \"123456789012\"\n"),
                Map.of("TERMINUS_KEK", "x"));
        assertThat(config.kekFile()).isNull();
        assertThat(config.account()).isEqualTo("123456789012");
    }

    @Test
    void fail_kekFileAndEnvironmentBoth() throws Exception {
        Path file = Files.writeString(dir.resolve("cp.yaml"), "kek-file: /etc/kek\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("TERMINUS_KEK", "x"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cp.yaml: kek-file: /etc/kek (expected: either kek-file or the TERMINUS_KEK");
    }

    @ParameterizedTest(name = "fail/{0}")
    @CsvSource(delimiter = '|', value = {
            "data_dir: x                          | data_dir: unknown key",
            "api: {port: 70000}                   | api.port: 70000 (expected: an integer from 0 to 65535)",
            "api: {prot: 1}                       | api.prot: unknown key",
            "account: 12                          | account: 12 (expected: 12 digits",
            "regions: []                          | regions: [] (expected: a non-empty list",
            "regions: [us-east-1, US_WEST]        | regions[1]: US_WEST (expected: a region name",
            "regions: [eu-west-1]                 | global-region: us-east-1 (expected: one of regions [eu-west-1])",
            "renewal: {window: 60}                | renewal.window: 60 (expected: a positive duration",
            "renewal: {window: 400d}              | renewal.window: 400d (expected: less than the 395-day",
            "ca: {revocation-base-url: 'ftp://x'} | ca.revocation-base-url: ftp://x (expected: an absolute http or https URL",
            "'[1, 2]'                             | a ARRAY at the top",
            "'a: [b'                              | not valid YAML"})
    void fail_namesFileAndKey(String yaml, String message) {
        assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("cp.yaml").toString() + ": ").hasMessageContaining(message);
    }

    @Test
    void fail_missingFile() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml"), Map.of()))
                .hasMessageContaining("absent.yaml: no such file");
    }

    @Test
    void ok_listOfRegionsKeepsOrder() throws Exception {
        assertThat(load("regions: [ap-south-1, us-east-1]\n").regions()).isEqualTo(List.of("ap-south-1", "us-east-1"));
    }
}
