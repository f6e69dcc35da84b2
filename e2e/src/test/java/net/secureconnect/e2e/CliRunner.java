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
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(user, totp, out, err, args);
        return new Result(code, out.toString(), err.toString());
    }

    private int run(E2eConfig.TestUser user, String totp, StringWriter out, StringWriter err, String... args) {
        CliEnvironment env = new CliEnvironment(home, URI.create(E2eConfig.issuer()),
                URI.create(SdkDevice.url("identity-service") + "/"),
                URI.create(SdkDevice.url("relay-service").replaceFirst("^http", "ws") + "/"),
                URI.create(SdkDevice.url("wallet-service") + "/"), URI.create(SdkDevice.url("media-service") + "/"),
                "cli e2e passphrase", user.password(), totp, URI.create(SdkDevice.url("payment-service") + "/"));
        List<String> all = new ArrayList<>(List.of("--profile", user.username()));
        all.addAll(List.of(args));
        return SecureConnectCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    }

    /**
     * A command that waits for something the test then does (approve a login, pay a checkout): runs on its own
     * thread; its output can be read while it runs.
     */
    final class Running implements AutoCloseable {
        private final StringWriter out = new StringWriter(); // StringBuffer inside: safe to read while written
        private final StringWriter err = new StringWriter();
        private final java.util.concurrent.CompletableFuture<Integer> exit = new java.util.concurrent.CompletableFuture<>();
        private final Thread thread;

        Running(E2eConfig.TestUser user, String... args) {
            thread = Thread.ofPlatform().daemon().name("sc " + String.join(" ", args)).start(() -> {
                try {
                    exit.complete(run(user, null, out, err, args));
                } catch (Throwable t) {
                    exit.completeExceptionally(t);
                }
            });
        }

        /**
         * Ends the command if it still runs (Ctrl-C, as a person would): after a failed assertion a waiting
         * {@code sc login} would otherwise keep polling, and keep its profile locked, for the code's 10 minutes.
         */
        @Override
        public void close() {
            if (!exit.isDone()) {
                thread.interrupt();
                try {
                    thread.join(java.time.Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The first JSON line on stdout with this {@code "event"}, once the command has printed it. */
        JsonNode awaitEvent(String event) {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : out.toString().lines().toList()) {
                    try {
                        JsonNode node = line.startsWith("{") ? Http.JSON.readTree(line) : null;
                        if (node != null && event.equals(node.path("event").asText())) {
                            return node;
                        }
                    } catch (java.io.IOException partialLine) {
                        // still being written
                    }
                }
                if (exit.isDone()) {
                    break;
                }
                SdkDevice.sleep(100);
            }
            throw new AssertionError("no '" + event + "' event; " + result());
        }

        /**
         * What a person reads: waits until stdout matches {@code pattern}; returns the whole match and its groups
         * ({@code [0]} is the match).
         */
        String[] awaitMatch(java.util.regex.Pattern pattern) {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                java.util.regex.Matcher m = pattern.matcher(out.toString());
                if (m.find()) {
                    String[] groups = new String[m.groupCount() + 1];
                    for (int i = 0; i < groups.length; i++) {
                        groups[i] = m.group(i);
                    }
                    return groups;
                }
                if (exit.isDone()) {
                    break;
                }
                SdkDevice.sleep(100);
            }
            throw new AssertionError("no output matching " + pattern + "; " + result());
        }

        /** Waits for the command to end (it has its own timeouts). */
        Result finish() {
            exit.join();
            return result();
        }

        private Result result() {
            return new Result(exit.isDone() ? exit.join() : -1, out.toString(), err.toString());
        }
    }

    Running start(E2eConfig.TestUser user, String... args) {
        return new Running(user, args);
    }

    /** Like {@link #sc} without a TOTP, and the command must exit 0. */
    Result ok(E2eConfig.TestUser user, String... args) {
        Result r = sc(user, null, args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + " -> " + r);
        return r;
    }
}
