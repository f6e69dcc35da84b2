package net.secureconnect.sdk.api;

import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The current access token, refreshed with the refresh token when it expires within 30 s. Give it to
 * every client as its token supplier. {@code onRefresh} persists new tokens (e.g. in the profile).
 */
public final class AccessTokens implements Supplier<String> {

    private static final long REFRESH_MARGIN_SECONDS = 30;

    private final OidcClient oidc;
    private final Clock clock;
    private final Consumer<OidcClient.Tokens> onRefresh;
    private OidcClient.Tokens tokens;

    public AccessTokens(OidcClient oidc, OidcClient.Tokens tokens, Clock clock, Consumer<OidcClient.Tokens> onRefresh) {
        this.oidc = oidc;
        this.tokens = tokens;
        this.clock = clock;
        this.onRefresh = onRefresh;
    }

    /** The access token; {@link ApiException.NotAuthenticated} when it expired and cannot be refreshed. */
    @Override
    public synchronized String get() {
        if (tokens.expiresWithin(REFRESH_MARGIN_SECONDS, clock)) {
            if (tokens.refreshToken() == null) {
                throw new ApiException.NotAuthenticated(401, "TOKEN_EXPIRED", "the session expired; log in again");
            }
            tokens = oidc.refresh(tokens.refreshToken());
            onRefresh.accept(tokens);
        }
        return tokens.accessToken();
    }

    public synchronized OidcClient.Tokens tokens() {
        return tokens;
    }
}
