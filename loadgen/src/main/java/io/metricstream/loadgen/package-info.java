/** The load generator: the CLI ({@code LoadgenCli}) and the wiring of one run ({@code LoadRun}). */
package io.metricstream.loadgen;
