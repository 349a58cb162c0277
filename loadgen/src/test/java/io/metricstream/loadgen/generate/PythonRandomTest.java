package io.metricstream.loadgen.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PythonRandomTest {
    // Expected values printed by CPython 3.11: [random.Random(seed).random() for _ in range(n)].
    private static void f(final String seed, final double... expected) {
        final PythonRandom r = new PythonRandom(seed);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], r.random(), 0.0, "seed=" + seed + " draw=" + i);
        }
    }

    @Test
    void shouldMatchCpythonWhenSeededWithAString() {
        f("42:node_load1:h00", 0.04412474708535674, 0.11062242867995686, 0.26808407313377325);
        f("x", 0.6307877176639078, 0.5969190493245499);
        f("", 0.9602256525641875, 0.595411957851699);
    }

    @Test
    void shouldStayInUnitIntervalWhenDrawingManyValues() {
        final PythonRandom r = new PythonRandom("range");
        for (int i = 0; i < 100_000; i++) {
            final double v = r.random();
            if (v < 0 || v >= 1) {
                throw new AssertionError("draw " + i + " out of [0,1): " + v);
            }
        }
    }
}
