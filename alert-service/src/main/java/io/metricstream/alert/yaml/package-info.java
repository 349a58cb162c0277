/** YAML read into a tree that keeps line numbers, so rule and routing files get file:line-precise errors. */
package io.metricstream.alert.yaml;
