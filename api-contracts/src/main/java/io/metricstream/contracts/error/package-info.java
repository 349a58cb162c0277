/** Error codes shared by every binary protocol and their HTTP mapping. */
package io.metricstream.contracts.error;
