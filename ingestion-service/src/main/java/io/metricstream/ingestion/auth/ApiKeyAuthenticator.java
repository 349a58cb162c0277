package io.metricstream.ingestion.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Checks {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>} against {@code ingestion.api_keys}. No
 * keys configured turns authentication off (the dev default). Keys are compared in constant time
 * ({@link MessageDigest#isEqual}) so response timing does not leak a key's prefix. Immutable; thread-safe.
 */
public final class ApiKeyAuthenticator {
    /** The header carrying a bare key. */
    public static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";
    // header names as AsciiString: their case-insensitive hash is computed once, not per lookup
    private static final AsciiString API_KEY_NAME = AsciiString.cached(API_KEY_HEADER);

    /** The outcome of a check. */
    public enum Outcome {
        /** Authentication is off, or the key is known. */
        OK,
        /** No key was sent: 401. */
        MISSING,
        /** A key was sent and is not known: 403. */
        WRONG
    }

    private final byte[][] keys;

    /** An authenticator accepting {@code apiKeys}; empty = off. */
    public ApiKeyAuthenticator(final List<String> apiKeys) {
        this.keys = new byte[apiKeys.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = apiKeys.get(i).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Whether any key is configured. */
    public boolean enabled() {
        return keys.length > 0;
    }

    /** The key the request presents (bearer token first), or null. */
    public static String presentedKey(final HttpHeaders headers) {
        final String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            final String token = authorization.substring(BEARER.length()).trim();
            if (!token.isEmpty()) {
                return token;
            }
        }
        final String key = headers.get(API_KEY_NAME);
        return key == null || key.isBlank() ? null : key.trim();
    }

    /** Checks a presented key (null = none sent). */
    public Outcome check(final String presented) {
        if (keys.length == 0) {
            return Outcome.OK;
        }
        if (presented == null) {
            return Outcome.MISSING;
        }
        final byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (final byte[] key : keys) {
            found |= MessageDigest.isEqual(key, candidate);
        }
        return found ? Outcome.OK : Outcome.WRONG;
    }
}
