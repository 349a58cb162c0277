/** Declarative configuration: one table of typed keys, loaded from YAML, environment and flags, validated whole. */
package io.metricstream.runtime.config;
