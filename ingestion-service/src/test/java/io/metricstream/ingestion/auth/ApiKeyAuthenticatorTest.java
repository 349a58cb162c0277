package io.metricstream.ingestion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ApiKeyAuthenticatorTest {
    @Test
    void shouldAllowEverythingWhenNoKeysConfigured() {
        assertEquals(ApiKeyAuthenticator.Outcome.OK, new ApiKeyAuthenticator(List.of()).check(null));
    }

    @Test
    void shouldTellMissingFromWrongWhenKeysConfigured() {
        final ApiKeyAuthenticator a = new ApiKeyAuthenticator(List.of("s3cret", "other"));
        assertEquals(ApiKeyAuthenticator.Outcome.MISSING, a.check(null));
        assertEquals(ApiKeyAuthenticator.Outcome.WRONG, a.check("s3cre"));
        assertEquals(ApiKeyAuthenticator.Outcome.OK, a.check("other"));
    }

    @Test
    void shouldReadBearerBeforeApiKeyHeaderWhenBothSent() {
        final DefaultHttpHeaders h = new DefaultHttpHeaders();
        h.set("X-API-Key", "from-header");
        assertEquals("from-header", ApiKeyAuthenticator.presentedKey(h));
        h.set("Authorization", "bearer tok");
        assertEquals("tok", ApiKeyAuthenticator.presentedKey(h));
        h.set("Authorization", "Basic Zm9v");
        assertEquals("from-header", ApiKeyAuthenticator.presentedKey(h));
    }
}
