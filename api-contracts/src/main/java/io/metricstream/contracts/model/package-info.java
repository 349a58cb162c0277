/** The data model: label sets, series keys, samples and Prometheus naming rules. */
package io.metricstream.contracts.model;
