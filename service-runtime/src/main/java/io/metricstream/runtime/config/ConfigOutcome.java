package io.metricstream.runtime.config;

/** What {@link ConfigLoader#load} returns: a resolved {@link Config}, or every {@link ConfigProblems problem}. */
public sealed interface ConfigOutcome permits Config, ConfigProblems {
}
