/** HTTP/1.1 server plumbing: initializer, router, exchanges, ordered pipelining, body limits and the error body. */
package io.metricstream.runtime.http;
