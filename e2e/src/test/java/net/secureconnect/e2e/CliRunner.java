package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.secureconnect.cli.CliEnvironment;
import net.secureconnect.cli.SecureConnectCli;

/**
 * Runs the terminal client in-process against the stack, as a person would type {@code sc --profile <user> ...},
 * with the CLI's home folder of the calling test (one profile per user inside it).
 */
final class CliRunner {

    private final Path home;

    CliRunner(Path home) {
        this.home = home;
    }

    record Result(int exitCode, String out, String err) {
        /** The last JSON line of the output. */
        JsonNode json() {
            try {
                return Http.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}"));
            } catch (java.io.IOException e) {
                throw new AssertionError(out, e);
            }
        }
    }

    /** {@code sc --profile <user> args...}; {@code totp} is what the CLI's prompt gets, null when none is asked. */
    Result sc(E2eConfig.TestUser user, String totp, String... args) {
        CliEnvironment env = new CliEnvironment(home, URI.create(E2eConfig.issuer()),
                URI.create(SdkDevice.url("identity-service") + "/"),
                URI.create(SdkDevice.url("relay-service").replaceFirst("^http", "ws") + "/"),
                URI.create(SdkDevice.url("wallet-service") + "/"), URI.create(SdkDevice.url("media-service") + "/"),
                "cli e2e passphrase", user.password(), totp);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--profile", user.username()));
        all.addAll(List.of(args));
        int code = SecureConnectCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true),
                all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** Like {@link #sc} without a TOTP, and the command must exit 0. */
    Result ok(E2eConfig.TestUser user, String... args) {
        Result r = sc(user, null, args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + " -> " + r);
        return r;
    }
}
