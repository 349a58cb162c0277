/** Bounded readers and writers of wire primitives, decode statuses and the platform hash. */
package io.metricstream.contracts.wire;
