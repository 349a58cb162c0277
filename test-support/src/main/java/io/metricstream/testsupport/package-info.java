/** Shared test harnesses: condition waits, loopback ports, temp dirs, allocation checks, fault injection, processes. */
package io.metricstream.testsupport;
