package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Random, truncated and bit-flipped bodies: every parse ends in COMPLETE or ERROR with an error, never a throw. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormatFuzzTest {
    private static final byte[] INFLUX = ("cpu,host=h1,region=us\\ east usage=1.5,idle=2i,on=t,s=\"x\" 1700000000\n"
        + "mem,host=h2 used=3u 1700000001\n").getBytes(StandardCharsets.UTF_8);

    private static byte[] mutate(final SplittableRandom r, final byte[] base) {
        return switch (r.nextInt(4)) {
            case 0 -> Arrays.copyOf(base, r.nextInt(base.length + 1));
            case 1 -> {
                final byte[] b = base.clone();
                for (int i = 0; i < 1 + r.nextInt(4); i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                yield b;
            }
            case 2 -> {
                final byte[] b = base.clone();
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                yield b;
            }
            default -> {
                final byte[] b = new byte[r.nextInt(200)];
                r.nextBytes(b);
                yield b;
            }
        };
    }

    @Test
    void shouldNeverThrowWhenInfluxBodyIsMangled() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        final InfluxLineParser p = new InfluxLineParser(ParseLimits.DEFAULT, false);
        for (int i = 0; i < 20_000; i++) {
            final byte[] b = mutate(r, INFLUX);
            final StagedSamples s = StagedContent.staging(3, 100);
            final ParseStatus st = p.parse(b, 0, b.length, InfluxPrecision.NS, 0, s);
            if (st == ParseStatus.ERROR) {
                assertNotNull(p.error(), "seed=" + seed);
            } else {
                StagedContent.rows(s);
            }
        }
    }

    @Test
    void shouldNeverThrowWhenRemoteWriteBodyIsMangled() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        final RemoteWriteDecoder d = new RemoteWriteDecoder(ParseLimits.DEFAULT);
        final byte[] raw = RemoteWriteEncoder.writeRequest(List.of(new RemoteWriteEncoder.Series(
            List.of(new String[] {"__name__", "up"}, new String[] {"job", "api"}), new long[] {1, 2},
            new long[] {3, 4})));
        final byte[] compressed = RemoteWriteEncoder.body(List.of(new RemoteWriteEncoder.Series(
            List.<String[]>of(new String[] {"__name__", "up"}), new long[] {1}, new long[] {3})));
        int errors = 0;
        for (int i = 0; i < 20_000; i++) {
            final boolean snappy = r.nextBoolean();
            final byte[] b = mutate(r, snappy ? compressed : raw);
            final StagedSamples s = StagedContent.staging(3, 100);
            final ParseStatus st = snappy ? d.decode(b, 0, b.length, s) : d.decodeProtobuf(b, 0, b.length, s);
            if (st == ParseStatus.ERROR) {
                assertNotNull(d.error(), "seed=" + seed);
                errors++;
            } else {
                StagedContent.rows(s);
            }
        }
        assertTrue(errors > 0, "seed=" + seed);
    }
}
