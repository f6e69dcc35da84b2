package net.secureconnect.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the CLI keeps profiles and which servers it talks to. Defaults are the local stack of
 * docs/conventions.md; each can be changed by an environment variable (or given directly, as tests do).
 */
public record CliEnvironment(Path home, URI issuer, URI identity, URI relay, URI wallet, URI media, String passphrase,
                             String password, String totp, URI payment) {

    static final String DEFAULT_PAYMENT_URL = "http://127.0.0.1:8085/";

    /** Without a payment-service URL: the local stack's (tests that never top up). */
    public CliEnvironment(Path home, URI issuer, URI identity, URI relay, URI wallet, URI media, String passphrase,
                          String password, String totp) {
        this(home, issuer, identity, relay, wallet, media, passphrase, password, totp, URI.create(DEFAULT_PAYMENT_URL));
    }

    public static CliEnvironment from(Map<String, String> env) {
        return new CliEnvironment(
                Path.of(env.getOrDefault("SC_HOME", Path.of(System.getProperty("user.home"), ".secureconnect").toString())),
                URI.create(env.getOrDefault("SC_ISSUER", "http://127.0.0.1:8180/realms/secureconnect")),
                slash(env.getOrDefault("SC_IDENTITY_URL", "http://127.0.0.1:8081")),
                slash(env.getOrDefault("SC_RELAY_URL", "ws://127.0.0.1:8082")),
                slash(env.getOrDefault("SC_WALLET_URL", "http://127.0.0.1:8083")),
                slash(env.getOrDefault("SC_MEDIA_URL", "http://127.0.0.1:8084")),
                env.get("SC_PASSPHRASE"), env.get("SC_PASSWORD"), env.get("SC_TOTP"),
                slash(env.getOrDefault("SC_PAYMENT_URL", DEFAULT_PAYMENT_URL)));
    }

    /**
     * The first server URL that is neither TLS (https, wss) nor on this machine, or null: without TLS a network
     * attacker is as strong as a compromised server (it could strip keys or inject bundles).
     */
    public String insecureUrl() {
        for (URI uri : java.util.List.of(issuer, identity, relay, wallet, media, payment)) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
            boolean loopback = host.equals("localhost") || host.equals("[::1]") || host.equals("::1") || host.startsWith("127.");
            if (!(scheme.equals("https") || scheme.equals("wss") || loopback)) {
                return uri.toString();
            }
        }
        return null;
    }

    private static URI slash(String url) {
        return URI.create(url.endsWith("/") ? url : url + "/");
    }
}
