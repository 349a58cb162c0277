/** Reads: matcher evaluation, merged selects over blocks and head, the binary SELECT protocol and HTTP routes. */
package io.metricstream.storage.select;
