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
    final String name;
    final ProfileStore store;
    final HttpClient http = HttpClient.newHttpClient();
    final OidcClient oidc;

    private Profile(CliEnvironment env, String name, ProfileStore store) {
        this.env = env;
        this.name = name;
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
                    return new Profile(env, name, store);
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
            return new Profile(env, name, ProfileStore.create(env.home(), name, passphrase, device, KdfParameters.MODERATE));
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

    /** Who a token was issued to: Keycloak's stable user id ({@code sub}) and the username, for messages. */
    record Subject(String sub, String username) {
        /**
         * Read from the access token's claims without checking its signature: it comes straight from the configured
         * issuer's token endpoint (TLS or loopback only, see {@link CliEnvironment#insecureUrl()}) and is used only to
         * tell whose login this is, never to grant anything — the services verify it.
         */
        static Subject of(String accessToken) {
            try {
                String[] parts = accessToken.split("\\.");
                JsonNode claims = SecureConnectCli.JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
                String sub = claims.path("sub").asText("");
                return new Subject(sub, claims.path("preferred_username").asText(sub.isEmpty() ? "(unknown user)" : sub));
            } catch (RuntimeException | java.io.IOException e) {
                return new Subject("", "(unknown user)");
            }
        }
    }

    /**
     * Stores the tokens of a login (password or device grant) — but only the owner's. A profile is one device of one
     * account: its first login makes that user the owner, and a login as anybody else is refused with nothing stored
     * (the earlier session stays). This matters for the device grant, where the person who approves the code in a
     * browser decides whose tokens arrive: a code typed or approved by someone else must not turn this device into
     * theirs, nor log its owner out.
     */
    Subject saveLogin(OidcClient.Tokens tokens, boolean approvedInBrowser) {
        Subject who = Subject.of(tokens.accessToken());
        if (who.sub().isEmpty()) {
            throw new ExitCodes.CliException(ExitCodes.AUTHENTICATION, "the login answered a token without a user (sub); nothing was stored");
        }
        Optional<Subject> owner = owner();
        if (owner.isPresent() && !owner.get().sub().equals(who.sub())) {
            // The refused tokens are not kept, and the session they belong to is ended at the issuer: nobody holds a
            // live login of the other user that this terminal opened.
            boolean ended = endSession(tokens.refreshToken());
            String kept = "nothing was stored" + (ended ? " and the sign-in it opened was ended" : "")
                    + (tokens().isPresent() ? " (the session of " + owner.get().username() + " stays)" : "");
            String otherProfile = "use another profile: sc --profile <name> login";
            if (owner.get().username().equalsIgnoreCase(who.username())) {
                // Same name, other user id: the account was re-created, or this is another server (a new local stack).
                throw new ExitCodes.CliException(ExitCodes.AUTHENTICATION, "login refused: profile '" + name
                        + "' was set up for another account named " + owner.get().username() + " (another user id: re-created,"
                        + " or another server); " + kept + ". For this one, " + otherProfile
                        + " (or delete " + env.home().resolve(name) + " if you no longer need it)");
            }
            throw new ExitCodes.CliException(ExitCodes.AUTHENTICATION, "login refused: profile '" + name + "' belongs to "
                    + owner.get().username() + (approvedInBrowser
                            ? ", but the code was approved as " + who.username() + "; " + kept
                                    + ". If that was not you, someone else typed your code. Another account needs its own profile: "
                            : ", not " + who.username() + "; " + kept + ". Another account needs its own profile: ")
                    + "sc --profile <name> login");
        }
        if (store.readDocument("owner").isEmpty()) { // first login, or the first since profiles record their owner
            store.writeDocument("owner", JsonNodeFactory.instance.objectNode().put("sub", who.sub()).put("username", who.username()));
        }
        Optional<String> replaced = tokens().map(OidcClient.Tokens::refreshToken)
                .filter(r -> !r.equals(tokens.refreshToken()));
        saveTokens(tokens);
        replaced.ifPresent(this::endSession); // a second login of the owner: the older session is not left open
        return who;
    }

    /**
     * Ends the issuer's session of a refresh token (RFC 7009 revocation), best effort: false when there is none or
     * the issuer cannot be reached — the session then ends by itself when it expires.
     */
    boolean endSession(String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank()) {
            return false;
        }
        try {
            oidc.revoke(refreshToken);
            return true;
        } catch (net.secureconnect.sdk.api.ApiException e) {
            return false;
        }
    }

    /** The profile's user: recorded at its first login (profiles from before that record: the stored tokens' user). */
    Optional<Subject> owner() {
        Optional<Subject> recorded = store.readDocument("owner")
                .map(n -> new Subject(n.path("sub").asText(""), n.path("username").asText("")))
                .filter(s -> !s.sub().isEmpty());
        return recorded.isPresent() ? recorded
                : tokens().map(t -> Subject.of(t.accessToken())).filter(s -> !s.sub().isEmpty());
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
