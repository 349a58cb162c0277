/** The compose topology as separate JVMs on loopback: {@code metricstream cluster up|down|status} and LocalCluster. */
package io.metricstream.launcher.cluster;
