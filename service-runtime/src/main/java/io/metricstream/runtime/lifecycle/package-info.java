/** Service lifecycle: the Service contract, the host running one or many services, event loops, shutdown. */
package io.metricstream.runtime.lifecycle;
