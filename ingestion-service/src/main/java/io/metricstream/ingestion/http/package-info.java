/** HTTP routes of the ingestion service: one handler per format over a shared admission pipeline. */
package io.metricstream.ingestion.http;
