/** Alertmanager-style notification: routing tree, grouping, inhibition, silences, receivers and a durable outbox. */
package io.metricstream.alert.notify;
