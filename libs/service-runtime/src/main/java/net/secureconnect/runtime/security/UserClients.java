package net.secureconnect.runtime.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;
import net.secureconnect.runtime.config.PlatformConfig;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

/**
 * Which OIDC client a bearer token was issued to ({@code azp}) decides whether the services accept it:
 * only the user-facing apps listed in {@code secureconnect.security.user-clients}. Every client of the
 * realm adds the audience the services require, so the audience alone would also let a service
 * account's or a test client's token in.
 */
@ApplicationScoped
public class UserClients {

    /** Stable problem code of the refusal (403). */
    public static final String CLIENT_NOT_ALLOWED = "CLIENT_NOT_ALLOWED";

    private final Set<String> allowed;

    public UserClients(PlatformConfig config) {
        this.allowed = Set.copyOf(config.security().userClients());
    }

    /** True for an anonymous caller (public endpoints decide for themselves) and for a listed client. */
    public boolean allows(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return true;
        }
        if (!(identity.getPrincipal() instanceof JsonWebToken token)) {
            return false;
        }
        Object azp = token.getClaim("azp");
        String client = azp instanceof JsonString json ? json.getString() : azp instanceof String text ? text : null;
        return client != null && allowed.contains(client);
    }
}
