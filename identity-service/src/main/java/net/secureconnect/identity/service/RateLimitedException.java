package net.secureconnect.identity.service;

import net.secureconnect.runtime.rest.ProblemException;

/** A request over its rate limit: 429 with the seconds until it may be retried. */
public class RateLimitedException extends ProblemException {

    private final long retryAfterSeconds;

    public RateLimitedException(RateLimit limit, long retryAfterSeconds) {
        super(429, IdentityProblems.RATE_LIMITED, "Too many requests",
                "Rate limit " + limit.limiterName() + " reached; retry in " + retryAfterSeconds + " s.");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
