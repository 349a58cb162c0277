/** Prometheus rule files: groups of alerting and recording rules, loaded with file:line-precise errors. */
package io.metricstream.alert.rule;
