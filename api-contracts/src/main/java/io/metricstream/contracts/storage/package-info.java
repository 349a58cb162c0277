/** The storage select protocol: label matchers, select, label names/values, series, delete, and its client. */
package io.metricstream.contracts.storage;
