/** Framing of the binary protocols: length prefix, api keys, correlation ids, error codes. */
package io.metricstream.contracts.frame;
