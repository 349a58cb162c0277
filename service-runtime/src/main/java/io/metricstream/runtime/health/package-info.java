/** The /health, /ready and /metrics routes every HTTP server serves. */
package io.metricstream.runtime.health;
