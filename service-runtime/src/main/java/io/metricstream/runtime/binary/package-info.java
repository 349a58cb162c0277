/** Length-prefixed binary server plumbing for the service-to-service protocols. */
package io.metricstream.runtime.binary;
