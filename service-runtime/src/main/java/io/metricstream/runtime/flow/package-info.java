/** Flow control shared by the services: bounded in-flight budgets. */
package io.metricstream.runtime.flow;
