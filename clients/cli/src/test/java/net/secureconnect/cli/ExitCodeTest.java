package net.secureconnect.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exit codes that need no server: usage, authentication (profile passphrase, no login), network. */
class ExitCodeTest {

    @TempDir
    Path home;

    private static final String GOOD = "correct horse battery staple";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String passphrase, String... args) {
        URI closed = URI.create("http://127.0.0.1:" + closedPort());
        CliEnvironment env = new CliEnvironment(home, URI.create(closed + "/realms/secureconnect"), URI.create(closed + "/"),
                URI.create("ws://127.0.0.1:" + closedPort() + "/"), URI.create(closed + "/"), URI.create(closed + "/"), passphrase, "pw", "123456");
        return SecureConnectCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void unknownCommandsAndMissingArgumentsAreUsageErrors() {
        assertEquals(2, run(GOOD, "frobnicate"));
        assertEquals(2, run(GOOD, "send", "bob"));
        assertEquals(2, run(GOOD, "history"), "no profile yet: " + err);
        assertTrue(err.toString().contains("run login first"), err.toString());
    }

    @Test
    void anUnreachableServerIsExitCode5AndAMissingLoginIs3() {
        assertEquals(5, run(GOOD, "login", "-u", "alice"), err.toString());
        assertEquals(3, run(GOOD, "balance"), "the profile exists now, without tokens: " + err);
    }

    @Test
    void aWrongPassphraseIsExitCode3() {
        run(GOOD, "login", "-u", "alice");
        assertEquals(3, run("wrong but long enough", "--json", "balance"));
        assertTrue(err.toString().contains("\"exitCode\":3"), err.toString());
    }

    @Test
    void aWeakPassphraseCreatesNoProfile() {
        assertEquals(2, run("short", "login", "-u", "alice"));
        assertTrue(err.toString().contains("at least 12 characters"), err.toString());
        assertEquals(2, run("aaaaaaaaaaaaaaaa", "login", "-u", "alice"), "one repeated character");
        assertTrue(!java.nio.file.Files.exists(home.resolve("default").resolve("profile.json")));
    }

    @Test
    void plainHttpIsRefusedExceptOnLoopback() {
        CliEnvironment remote = new CliEnvironment(home, URI.create("http://idp.example.com/realms/x"), URI.create("https://id.example.com/"),
                URI.create("wss://relay.example.com/"), URI.create("https://w.example.com/"), URI.create("https://m.example.com/"),
                GOOD, "pw", "123456");
        assertEquals(2, SecureConnectCli.run(remote, new PrintWriter(out, true), new PrintWriter(err, true), "balance"));
        assertTrue(err.toString().contains("refusing http://idp.example.com/realms/x"), err.toString());
        CliEnvironment tls = new CliEnvironment(home, URI.create("https://idp.example.com/realms/x"), URI.create("https://id.example.com/"),
                URI.create("wss://relay.example.com/"), URI.create("https://w.example.com/"), URI.create("http://127.0.0.1:8084/"),
                GOOD, "pw", "123456");
        assertEquals(null, tls.insecureUrl());
    }

    @Test
    void aPeersFileNameCannotLeaveTheOutputFolder() {
        assertEquals("a.png", SecureConnectCli.safeFileName("../../etc/a.png", "m1"));
        assertEquals("attachment-m1", SecureConnectCli.safeFileName("..", "m1"));
        assertEquals("attachment-m1", SecureConnectCli.safeFileName("x/.bashrc", "m1"));
        assertEquals("attachment-m1", SecureConnectCli.safeFileName(null, "m1"));
        assertEquals("evil", SecureConnectCli.safeFileName("C:\\dir\\evil", "m1"));
        assertEquals("blob-7", SecureConnectCli.safeFileName("blob-7", "m1"));
    }
}
