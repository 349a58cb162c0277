/** The seed's JSON ingest format ({@link io.metricstream.contracts.json.SeedJsonCodec}) and the JSON error body. */
package io.metricstream.contracts.json;
