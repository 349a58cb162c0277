/** API key authentication of ingest requests. */
package io.metricstream.ingestion.auth;
