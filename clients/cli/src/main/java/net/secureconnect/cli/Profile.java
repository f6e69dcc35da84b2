package net.secureconnect.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.api.AccessTokens;
import net.secureconnect.sdk.api.IdentityClient;
import net.secureconnect.sdk.api.OidcClient;
import net.secureconnect.sdk.api.WalletClient;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.store.KdfParameters;
import net.secureconnect.sdk.store.ProfileStore;

import java.io.Console;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * One opened profile folder ({@code $SC_HOME/<profile>}): the SDK's encrypted {@link ProfileStore} with this
 * device's keys and sessions, plus the CLI's documents in it (OIDC tokens, known usernames).
 */
final class Profile implements AutoCloseable {

    final CliEnvironment env;
    final ProfileStore store;
    final HttpClient http = HttpClient.newHttpClient();
    final OidcClient oidc;

    private Profile(CliEnvironment env, ProfileStore store) {
        this.env = env;
        this.store = store;
        this.oidc = new OidcClient(http, env.issuer(), OidcClient.DEFAULT_CLIENT_ID, Clock.systemUTC());
    }

    /** Opens the profile, creating it (new device keys) when {@code create} and it does not exist. */
    static Profile open(CliEnvironment env, String name, boolean create) {
        boolean creating = create && !ProfileStore.exists(env.home(), name);
        char[] passphrase = passphrase(env, creating);
        try {
            if (ProfileStore.exists(env.home(), name)) {
                try {
                    ProfileStore store = ProfileStore.open(env.home(), name, passphrase);
                    // protocol-crypto.md §8 "Rollback": told once, when the restored copy is first opened
                    store.rollbackDetected().ifPresent(r -> System.err.println("sc: WARNING: " + r.message()));
                    return new Profile(env, store);
                } catch (net.secureconnect.sdk.store.WrongPassphraseException e) {
                    throw new ExitCodes.CliException(ExitCodes.AUTHENTICATION, "wrong passphrase for profile '" + name + "'");
                }
            }
            if (!create) {
                throw new ExitCodes.CliException(ExitCodes.USAGE, "no profile '" + name + "' in " + env.home() + "; run login first");
            }
            requireStrong(passphrase);
            LocalDevice device = LocalDevice.generate();
            // MODERATE (3 passes, 256 MiB): a copied profile folder is an offline guessing oracle for the passphrase.
            return new Profile(env, ProfileStore.create(env.home(), name, passphrase, device, KdfParameters.MODERATE));
        } finally {
            java.util.Arrays.fill(passphrase, '\0');
        }
    }

    /** Minimum for a new profile's passphrase: 12 characters, not one repeated character, at least 6 distinct ones. */
    static void requireStrong(char[] passphrase) {
        java.util.BitSet seen = new java.util.BitSet(); // no String copy of the passphrase
        for (char c : passphrase) {
            seen.set(c);
        }
        int distinct = seen.cardinality();
        if (passphrase.length < MIN_PASSPHRASE_LENGTH || distinct < 6) {
            throw new ExitCodes.CliException(ExitCodes.USAGE, "the profile passphrase protects your keys: use at least "
                    + MIN_PASSPHRASE_LENGTH + " characters with at least 6 different ones (e.g. four random words)");
        }
    }

    static final int MIN_PASSPHRASE_LENGTH = 12;

    private static char[] passphrase(CliEnvironment env, boolean newProfile) {
        if (env.passphrase() != null) {
            return env.passphrase().toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new ExitCodes.CliException(ExitCodes.USAGE, "set SC_PASSPHRASE or run in a terminal to be asked for the passphrase");
        }
        char[] first = console.readPassword(newProfile ? "New profile passphrase: " : "Profile passphrase: ");
        if (newProfile) {
            char[] again = console.readPassword("Repeat the passphrase: ");
            if (!java.util.Arrays.equals(first, again)) {
                throw new ExitCodes.CliException(ExitCodes.USAGE, "the passphrases differ");
            }
        }
        return first;
    }

    // ---- tokens ----

    void saveTokens(OidcClient.Tokens tokens) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("accessToken", tokens.accessToken());
        node.put("refreshToken", tokens.refreshToken());
        node.put("expiresAt", tokens.expiresAt().toString());
        store.writeDocument("tokens", node);
    }

    Optional<OidcClient.Tokens> tokens() {
        return store.readDocument("tokens").map(n -> new OidcClient.Tokens(n.path("accessToken").asText(),
                n.path("refreshToken").asText(null), Instant.parse(n.path("expiresAt").asText())));
    }

    void forgetTokens() {
        store.deleteDocument("tokens");
    }

    /** Access tokens refreshed (and saved) as needed; exit code 3 when not logged in. */
    AccessTokens accessTokens() {
        OidcClient.Tokens tokens = tokens().orElseThrow(() ->
                new ExitCodes.CliException(ExitCodes.AUTHENTICATION, "not logged in; run login"));
        return new AccessTokens(oidc, tokens, Clock.systemUTC(), this::saveTokens);
    }

    IdentityClient identity() {
        return new IdentityClient(http, env.identity(), accessTokens());
    }

    net.secureconnect.sdk.api.MediaClient media() {
        return new net.secureconnect.sdk.api.MediaClient(http, env.media(), accessTokens());
    }

    net.secureconnect.sdk.api.PaymentClient payments() {
        return new net.secureconnect.sdk.api.PaymentClient(http, env.payment(), accessTokens());
    }

    /** The OAuth device authorization grant at the same issuer and client as the password login. */
    net.secureconnect.sdk.api.DeviceAuthorization deviceAuthorization() {
        return new net.secureconnect.sdk.api.DeviceAuthorization(http, env.issuer(), OidcClient.DEFAULT_CLIENT_ID, Clock.systemUTC());
    }

    WalletClient wallet() {
        return new WalletClient(http, env.wallet(), accessTokens());
    }

    // ---- usernames seen (for history) ----

    void rememberUsername(String username, String accountId) {
        ObjectNode node = (ObjectNode) store.readDocument("usernames").orElseGet(JsonNodeFactory.instance::objectNode);
        node.put(accountId, username);
        store.writeDocument("usernames", node);
    }

    String displayName(String accountId) {
        JsonNode node = store.readDocument("usernames").orElse(null);
        return node != null && node.hasNonNull(accountId) ? node.get(accountId).asText() : accountId;
    }

    /** Every remembered account id → username. */
    java.util.Map<String, String> usernames() {
        java.util.Map<String, String> all = new java.util.HashMap<>();
        store.readDocument("usernames").ifPresent(node -> node.fields().forEachRemaining(e -> all.put(e.getKey(), e.getValue().asText())));
        return all;
    }

    Optional<String> accountOf(String username) {
        JsonNode node = store.readDocument("usernames").orElse(null);
        if (node == null) {
            return Optional.empty();
        }
        for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) node::fields) {
            if (e.getValue().asText().equalsIgnoreCase(username)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** The registered account, or exit code 2 asking to register the device first. */
    String accountId() {
        return store.localDevice().accountId().orElseThrow(() ->
                new ExitCodes.CliException(ExitCodes.USAGE, "this profile's device is not registered; run register-device"));
    }

    @Override
    public void close() {
        store.close();
    }
}
