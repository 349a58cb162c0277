package io.metricstream.storage.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.testsupport.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MatcherEvaluatorTest {
    /** An index over label sets (id = position) that counts the value scans it is asked for. */
    private static final class ListIndex implements MatcherEvaluator.IndexView {
        private final List<LabelSet> series;
        private final TreeMap<String, TreeMap<String, List<Long>>> postings = new TreeMap<>();
        private int scans;

        ListIndex(final List<LabelSet> series) {
            this.series = series;
            for (int id = 0; id < series.size(); id++) {
                final LabelSet l = series.get(id);
                for (int i = 0; i < l.size(); i++) {
                    postings.computeIfAbsent(l.name(i), k -> new TreeMap<>())
                        .computeIfAbsent(l.value(i), k -> new ArrayList<>()).add((long) id);
                }
            }
        }

        @Override
        public long[] postings(final String name, final String value) {
            final TreeMap<String, List<Long>> values = postings.get(name);
            final List<Long> ids = values == null ? null : values.get(value);
            return ids == null ? new long[0] : ids.stream().mapToLong(Long::longValue).toArray();
        }

        @Override
        public void postingsMatching(final String name, final Predicate<String> matches, final List<long[]> into) {
            scans++;
            for (final String value : postings.getOrDefault(name, new TreeMap<>()).keySet()) {
                if (matches.test(value)) {
                    into.add(postings(name, value));
                }
            }
        }

        @Override
        public long[] all() {
            return LongStream.range(0, series.size()).toArray();
        }

        @Override
        public LabelSet labels(final long id) {
            return series.get((int) id);
        }
    }

    private static long[] byScan(final List<LabelSet> series, final List<LabelMatcher> matchers) {
        return LongStream.range(0, series.size())
            .filter(id -> matchers.stream().allMatch(m -> m.matches(series.get((int) id).get(m.name()))))
            .toArray();
    }

    @Test
    void shouldLookUpEachLiteralWithoutScanningValuesWhenRegexIsAnAlternation() {
        final List<LabelSet> series = List.of(LabelSet.of("__name__", "m", "host", "h1"),
            LabelSet.of("__name__", "m", "host", "h2"), LabelSet.of("__name__", "m", "host", "h3"),
            LabelSet.of("__name__", "n", "host", "h1"));
        final ListIndex index = new ListIndex(series);
        final List<LabelMatcher> matchers = List.of(LabelMatcher.eq("__name__", "m"),
            LabelMatcher.of(LabelMatcher.Type.RE, "host", "h3|h1|h9"));
        assertArrayEquals(new long[] {0, 2}, MatcherEvaluator.matching(index, matchers));
        assertEquals(0, index.scans, "value scans");
        assertArrayEquals(new long[] {0, 1, 3}, MatcherEvaluator.matching(index,
            List.of(LabelMatcher.of(LabelMatcher.Type.RE, "host", "h1|h2.*"))));
        assertEquals(1, index.scans, "a wildcard still scans the values");
    }

    @Test
    void shouldMatchAsAScanOfEverySeriesOnRandomMatchers() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            final List<LabelSet> series = new ArrayList<>();
            for (int s = r.nextInt(1, 40); s > 0; s--) {
                series.add(r.nextInt(5) == 0 ? LabelSet.of("__name__", "m" + r.nextInt(3))
                    : LabelSet.of("__name__", "m" + r.nextInt(3), "host", "h" + r.nextInt(12)));
            }
            final ListIndex index = new ListIndex(series);
            final List<LabelMatcher> matchers = new ArrayList<>();
            for (int i = r.nextInt(1, 3); i > 0; i--) {
                matchers.add(matcher(r));
            }
            assertArrayEquals(byScan(series, matchers), MatcherEvaluator.matching(index, matchers),
                () -> "seed " + seed + ": " + matchers + " over " + series);
        }
    }

    private static LabelMatcher matcher(final SplittableRandom r) {
        final String name = r.nextBoolean() ? "host" : "__name__";
        final String prefix = "host".equals(name) ? "h" : "m";
        final StringBuilder alternation = new StringBuilder();
        for (int i = r.nextInt(4); i >= 0; i--) {
            alternation.append(alternation.isEmpty() ? "" : "|")
                .append(r.nextInt(6) == 0 ? "" : prefix + r.nextInt(14));
        }
        return switch (r.nextInt(5)) {
            case 0 -> LabelMatcher.eq(name, prefix + r.nextInt(14));
            case 1 -> LabelMatcher.of(LabelMatcher.Type.RE, name, prefix + r.nextInt(3) + ".*");
            case 2 -> LabelMatcher.of(LabelMatcher.Type.NRE, name, alternation.toString());
            default -> LabelMatcher.of(LabelMatcher.Type.RE, name, alternation.toString());
        };
    }
}
