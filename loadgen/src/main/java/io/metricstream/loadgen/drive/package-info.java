/** How it is sent: open- and closed-loop drivers, HTTP and queue transports, latency accounting. */
package io.metricstream.loadgen.drive;
