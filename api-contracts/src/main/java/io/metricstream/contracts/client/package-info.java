/** The pipelined Netty client under the queue and storage clients: correlation, timeouts, reconnect. */
package io.metricstream.contracts.client;
