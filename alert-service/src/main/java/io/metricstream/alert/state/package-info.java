/** Alert lifecycle (inactive, pending, firing, resolved) per rule, and its crash-safe persistence. */
package io.metricstream.alert.state;
