/** A small Go-template engine for the subset Prometheus alert annotations use ($labels, $value, humanize, printf). */
package io.metricstream.alert.template;
