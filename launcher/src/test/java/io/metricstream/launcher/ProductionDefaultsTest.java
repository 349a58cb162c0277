package io.metricstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProductionDefaultsTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(MetricStreamCli.LEAK_DETECTION);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(MetricStreamCli.LEAK_DETECTION);
        } else {
            System.setProperty(MetricStreamCli.LEAK_DETECTION, saved);
        }
    }

    @Test
    void shouldTurnTheLeakDetectorOffWhenTheUserDidNotChooseALevel() {
        System.clearProperty(MetricStreamCli.LEAK_DETECTION);
        MetricStreamCli.productionDefaults();
        assertEquals("disabled", System.getProperty(MetricStreamCli.LEAK_DETECTION));
    }

    @Test
    void shouldKeepTheLevelTheUserChose() {
        System.setProperty(MetricStreamCli.LEAK_DETECTION, "simple");
        MetricStreamCli.productionDefaults();
        assertEquals("simple", System.getProperty(MetricStreamCli.LEAK_DETECTION));
    }
}
