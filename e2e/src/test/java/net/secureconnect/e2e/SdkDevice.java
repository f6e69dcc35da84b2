package net.secureconnect.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import net.secureconnect.sdk.api.AccessTokens;
import net.secureconnect.sdk.api.IdentityClient;
import net.secureconnect.sdk.api.OidcClient;
import net.secureconnect.sdk.api.WalletClient;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.messaging.KeyDirectory;
import net.secureconnect.sdk.messaging.Messenger;
import net.secureconnect.sdk.messaging.StoredMessage;
import net.secureconnect.sdk.trust.TrustListener;
import net.secureconnect.sdk.relay.RelayClient;
import net.secureconnect.sdk.store.KdfParameters;
import net.secureconnect.sdk.store.ProfileStore;

/**
 * A realm user's new device, driven through the client SDK exactly as the CLI drives it: Keycloak login
 * (password + TOTP), registration and key upload at identity-service, an encrypted profile on disk, the
 * relay WebSocket. {@link #goOffline()} / {@link #goOnline()} close and reopen the relay connection.
 */
final class SdkDevice implements AutoCloseable {

    private static final char[] PASSPHRASE = "e2e passphrase".toCharArray();

    final String accountId;
    final int deviceId;
    final IdentityClient identity;
    final WalletClient wallet;
    final Messenger messenger;
    final BlockingQueue<StoredMessage> received = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AccessTokens tokens;
    private final ProfileStore store;
    private RelayClient relay;

    SdkDevice(E2eConfig.TestUser user, Path profiles) {
        this(login(user), user.username(), profiles, true);
    }

    /**
     * Another device of {@code sibling}'s account, logged in with the same tokens (no second TOTP login); the
     * account's other devices stay registered.
     */
    SdkDevice(SdkDevice sibling, Path profiles, String profileName) {
        this(sibling.tokens, profileName, profiles, false);
    }

    private static AccessTokens login(E2eConfig.TestUser user) {
        OidcClient oidc = new OidcClient(HttpClient.newHttpClient(), URI.create(E2eConfig.issuer()),
                E2eConfig.cliClientId(), Clock.systemUTC());
        OidcClient.Tokens login;
        try {
            login = oidc.login(user.username(), user.password(), Keycloak.freshTotp(user));
        } catch (RuntimeException firstCodeAlreadyUsed) {
            login = oidc.login(user.username(), user.password(), Keycloak.freshTotp(user));
        }
        return new AccessTokens(oidc, login, Clock.systemUTC(), t -> { });
    }

    private SdkDevice(AccessTokens tokens, String profileName, Path profiles, boolean removeOthers) {
        this.tokens = tokens;
        identity = new IdentityClient(http, URI.create(url("identity-service") + "/"), tokens);
        wallet = new WalletClient(http, URI.create(url("wallet-service") + "/"), tokens);
        accountId = identity.me().accountId();
        if (removeOthers) {
            removeAllDevices();
        }

        LocalDevice device = LocalDevice.generate();
        store = ProfileStore.create(profiles, profileName, PASSPHRASE, device, KdfParameters.MINIMUM_FOR_TESTS);
        deviceId = identity.registerDevice(accountId, device);
        identity.refillPrekeysIfLow(accountId, deviceId, device);
        store.localDeviceChanged();
        messenger = new Messenger(store, KeyDirectory.of(identity), TrustListener.NONE);
        messenger.listener(received::add);
    }

    String accessToken() {
        return tokens.get();
    }

    /**
     * Connects to the relay and waits until the relay keeps the connection: it learns new devices from
     * identity-service's events, and closes a connection of a device it does not know yet (4003).
     */
    void goOnline() {
        relay = new RelayClient(http, URI.create(url("relay-service") + "/"), tokens, deviceId, messenger);
        messenger.transport(relay);
        relay.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            relay.awaitConnected(Duration.ofSeconds(60));
            sleep(1500);
            if (relay.isConnected()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the relay does not keep the connection of " + accountId + "/" + deviceId);
            }
        }
    }

    boolean online() {
        return relay != null;
    }

    /** The current relay connection (null while offline), e.g. to wrap it as the messenger's transport. */
    RelayClient relay() {
        return relay;
    }

    void goOffline() {
        relay.close();
        relay = null;
    }

    /** The account's devices, as identity-service lists them (a fresh run starts from none). */
    List<Integer> devices() {
        return identity.me().deviceIds();
    }

    private void removeAllDevices() {
        for (int id : identity.me().deviceIds()) {
            removeDevice(id);
        }
    }

    private void removeDevice(int id) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url("identity-service")
                            + "/v1/accounts/" + accountId + "/devices/" + id))
                    .header("Authorization", "Bearer " + tokens.get()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 204 && response.statusCode() != 404) {
                throw new AssertionError("removing device " + id + ": " + response.statusCode() + " " + response.body());
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (relay != null) {
            goOffline();
        }
        try {
            removeDevice(deviceId);
        } finally {
            store.close();
        }
    }

    static String url(String service) {
        return E2eConfig.services().stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow().baseUrl();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
