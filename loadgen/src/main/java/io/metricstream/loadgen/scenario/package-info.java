/** Scenario recipes: YAML model, loader with file:line errors, and the resolved run plan. */
package io.metricstream.loadgen.scenario;
