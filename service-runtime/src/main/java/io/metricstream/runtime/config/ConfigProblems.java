package io.metricstream.runtime.config;

import java.util.List;

/**
 * Every problem found while loading a configuration, in source order; never empty.
 *
 * @param problems the problems
 */
public record ConfigProblems(List<ConfigProblem> problems) implements ConfigOutcome {
    /** Copies {@code problems}; an empty list is a programming error. */
    public ConfigProblems {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems");
        }
        problems = List.copyOf(problems);
    }

    /** One problem per line, as {@code config check} prints them. */
    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        for (ConfigProblem p : problems) {
            sb.append(p).append('\n');
        }
        return sb.toString();
    }
}
