package io.metricstream.testsupport;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Names the seeds a failing test drew ({@link Seeds#seed(String)}) in its failure, which the build log shows, with
 * how to replay them. Registered for every test through {@code META-INF/services} and the surefire configuration
 * parameter {@code junit.jupiter.extensions.autodetection.enabled}.
 */
public final class SeedsExtension implements BeforeEachCallback, TestExecutionExceptionHandler {
    @Override
    public void beforeEach(final ExtensionContext context) {
        Seeds.drawn().clear();
    }

    @Override
    public void handleTestExecutionException(final ExtensionContext context, final Throwable failure)
        throws Throwable {
        if (!Seeds.drawn().isEmpty()) {
            failure.addSuppressed(new SeedsUsed("replay with " + String.join(" ", Seeds.drawn())));
        }
        throw failure;
    }

    /** Carries the seeds into the failure's stack trace; not an error of its own. */
    static final class SeedsUsed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SeedsUsed(final String message) {
            super(message, null, false, false);
        }
    }
}
