/** The startup warm-up: the query path run over synthetic in-memory series so the JIT compiles it before users. */
package io.metricstream.query.warmup;
