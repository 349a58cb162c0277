/** Shared test harnesses: condition waits, loopback ports, temp dirs, allocation checks, fault injection, processes,
 * replayable random seeds. */
package io.metricstream.testsupport;
