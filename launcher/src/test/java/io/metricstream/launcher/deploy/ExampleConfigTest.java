package io.metricstream.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigProblems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** metricstream.example.yml validates against the live tables and shows the defaults it claims to show. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExampleConfigTest {
    private static final Path FILE = DeployFiles.root().resolve("metricstream.example.yml");

    @Test
    void shouldLoadWithoutProblemsWhenCheckedAgainstTheLiveTables() {
        final ConfigOutcome out = new ConfigLoader(DeployFiles.table()).load(Optional.of(FILE), Map.of(), Map.of());
        final List<String> problems = new ArrayList<>();
        if (out instanceof ConfigProblems p) {
            p.problems().forEach(x -> problems.add(x.toString()));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void shouldHaveASectionPerServiceWhenTheTablesDeclareSections() {
        final Map<String, String> settings = DeployFiles.settings(DeployFiles.document(FILE));
        final TreeSet<String> sections = new TreeSet<>();
        settings.keySet().forEach(k -> sections.add(k.substring(0, k.indexOf('.'))));
        assertEquals(new TreeSet<>(DeployFiles.table().sections()), sections);
    }

    @Test
    void shouldShowEachKeysDefaultWhenTheFileSetsIt() {
        final ConfigOutcome out = new ConfigLoader(DeployFiles.table()).load(Optional.of(FILE), Map.of(), Map.of());
        if (!(out instanceof Config config)) {
            throw new AssertionError("example does not load: " + out);
        }
        final List<String> differ = new ArrayList<>();
        for (String name : DeployFiles.settings(DeployFiles.document(FILE)).keySet()) {
            final ConfigKey<?> key = DeployFiles.table().find(name);
            if (!key.defaultValue().equals(config.get(name))) {
                differ.add(name + ": file " + key.format(config.get(name)) + ", default " + key.defaultText());
            }
        }
        assertEquals(List.of(), differ);
    }
}
