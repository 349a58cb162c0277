/**
 * The startup warm-up: the query path, storage client included, run over synthetic series served by a private
 * storage-protocol server, so the JIT compiles it before users.
 */
package io.metricstream.query.warmup;
