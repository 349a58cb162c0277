package io.metricstream.storage.select;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.LiteralRegex;
import io.metricstream.storage.index.Postings;
import io.metricstream.storage.index.PostingsIntersector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Evaluates ANDed label matchers against one index (a block's or the head's). Every matcher that does not match
 * the empty string narrows the candidates by postings: {@code =} looks up one list, regex and {@code !=}
 * matchers union the lists of the label values they match (a scan of that label's values, except for a regex of
 * finitely many literals such as {@code a|b|c}, whose values are looked up one by one); the lists are
 * intersected. Matchers that match the empty string (which also select series lacking the label) are then checked
 * per candidate. Stateless.
 */
public final class MatcherEvaluator {
    private MatcherEvaluator() {
    }

    /** What the evaluator needs from an index. */
    public interface IndexView {
        /** Ids with name=value, ascending. */
        long[] postings(String name, String value);

        /** Adds the postings of every value of {@code name} that {@code matches}, in value order, to {@code into}. */
        void postingsMatching(String name, Predicate<String> matches, List<long[]> into);

        /** Every id, ascending. */
        long[] all();

        /** Labels of {@code id}. */
        LabelSet labels(long id);
    }

    /** Ids of the series matching every matcher, ascending. */
    public static long[] matching(final IndexView index, final List<LabelMatcher> matchers) {
        final List<long[]> required = new ArrayList<>();
        final List<LabelMatcher> residual = new ArrayList<>();
        for (final LabelMatcher m : matchers) {
            if (m.matchesEmpty()) {
                residual.add(m);
            } else if (m.type() == LabelMatcher.Type.EQ) {
                required.add(index.postings(m.name(), m.value()));
            } else {
                final List<long[]> lists = new ArrayList<>();
                final Set<String> literals = literals(m);
                if (literals != null) {
                    for (final String value : literals) {
                        lists.add(index.postings(m.name(), value));
                    }
                } else {
                    index.postingsMatching(m.name(), m::matches, lists);
                }
                required.add(Postings.union(lists));
            }
        }
        final long[] candidates = required.isEmpty() ? index.all() : PostingsIntersector.intersect(required);
        if (residual.isEmpty()) {
            return candidates;
        }
        final long[] out = new long[candidates.length];
        int n = 0;
        for (final long id : candidates) {
            final LabelSet labels = index.labels(id);
            boolean ok = true;
            for (final LabelMatcher m : residual) {
                if (!m.matches(labels.get(m.name()))) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                out[n++] = id;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The values a {@code =~} matcher matches when finitely many ({@link LiteralRegex#literals}), else null. */
    private static Set<String> literals(final LabelMatcher m) {
        return m.type() == LabelMatcher.Type.RE && m.fast() != null ? m.fast().literals() : null;
    }
}
