package net.secureconnect.relay.websocket;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.security.UserClients;

/**
 * The relay's half of the shared client allow-list ({@link UserClients}; REST endpoints have
 * service-runtime's UserClientFilter): a token obtained by a client that is not a user-facing app is
 * refused before the upgrade with HTTP 403, so no frame is ever read from it.
 */
@ApplicationScoped
public class UserClientUpgradeCheck implements HttpUpgradeCheck {

    private final UserClients clients;

    public UserClientUpgradeCheck(UserClients clients) {
        this.clients = clients;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return context.securityIdentity().map(identity -> clients.allows(identity)
                ? CheckResult.permitUpgradeSync()
                : CheckResult.rejectUpgradeSync(403));
    }
}
