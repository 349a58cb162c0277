/** Per-client sliding-window rate limits, sharded so no global lock sits on the request path. */
package io.metricstream.ingestion.ratelimit;
