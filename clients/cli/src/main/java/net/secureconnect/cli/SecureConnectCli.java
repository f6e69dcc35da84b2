package net.secureconnect.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.api.AccessTokens;
import net.secureconnect.sdk.api.DeviceAuthorization;
import net.secureconnect.sdk.api.PaymentClient;
import net.secureconnect.sdk.api.IdentityClient;
import net.secureconnect.sdk.api.OidcClient;
import net.secureconnect.sdk.api.WalletClient;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.messaging.KeyDirectory;
import net.secureconnect.sdk.messaging.Messenger;
import net.secureconnect.sdk.messaging.StoredMessage;
import net.secureconnect.sdk.protocol.MessageContent;
import net.secureconnect.sdk.relay.RelayClient;
import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.safety.SafetyNumber;
import net.secureconnect.sdk.trust.Fingerprint;
import net.secureconnect.sdk.trust.IdentityPin;
import net.secureconnect.sdk.trust.TrustListener;
import net.secureconnect.sdk.trust.UntrustedIdentityException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code sc}: the SecureConnect terminal client. Exit codes: see {@link ExitCodes}. */
@Command(name = "sc", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "sc 0.1.0",
        description = {"SecureConnect: end-to-end-encrypted messages and files from your terminal. Only your devices"
                + " and the people you write to can read them; you pay per use (a message once, however many devices"
                + " get it), and nobody else reads along."},
        subcommands = {SecureConnectCli.Login.class, SecureConnectCli.Logout.class, SecureConnectCli.RegisterDevice.class,
                SecureConnectCli.Send.class, SecureConnectCli.SendFile.class, SecureConnectCli.FetchFile.class, SecureConnectCli.Listen.class, SecureConnectCli.History.class,
                SecureConnectCli.Balance.class, SecureConnectCli.Topup.class, SecureConnectCli.Ledger.class, SecureConnectCli.SafetyNumberCommand.class,
                SecureConnectCli.Trust.class, SecureConnectCli.Verify.class, SecureConnectCli.Devices.class})
public final class SecureConnectCli {

    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--profile", scope = ScopeType.INHERIT, defaultValue = "${env:SC_PROFILE:-default}",
            description = "profile folder under $SC_HOME (default ~/.secureconnect): one device, its keys and history (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "machine-readable output (one JSON object per line)")
    boolean json;

    private final CliEnvironment env;
    private final PrintWriter out;

    SecureConnectCli(CliEnvironment env, PrintWriter out) {
        this.env = env;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(CliEnvironment.from(System.getenv()), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command in-process (also what tests call); returns the exit code. */
    public static int run(CliEnvironment env, PrintWriter out, PrintWriter err, String... args) {
        String insecure = env.insecureUrl();
        if (insecure != null) {
            err.println("sc: refusing " + insecure + ": use https:// / wss:// (plain http and ws only for 127.0.0.1, ::1, localhost)");
            return ExitCodes.USAGE;
        }
        SecureConnectCli root = new SecureConnectCli(env, out);
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        Help.install(cli, env);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            int code = ExitCodes.of(e);
            if (root.json) {
                ObjectNode node = JSON.createObjectNode().put("error", e.getMessage() == null ? e.toString() : e.getMessage())
                        .put("exitCode", code);
                if (e instanceof UntrustedIdentityException u) {
                    node.put("code", u.reason().name()).put("error", root.refusalText(u));
                } else if (e instanceof net.secureconnect.sdk.relay.RelayException r) {
                    node.put("code", r.code());
                } else if (e instanceof net.secureconnect.sdk.api.ApiException a) {
                    node.put("code", a.code());
                }
                err.println(node);
            } else if (e instanceof UntrustedIdentityException u) {
                err.println("sc: " + root.refusalText(u));
            } else {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                if (e instanceof net.secureconnect.sdk.relay.RelayException.UnavailableException
                        && !message.startsWith("not delivered")) {
                    message = "not delivered: relay unavailable, retry (" + message + ")";
                }
                err.println("sc: " + message);
            }
            return code;
        });
        return cli.execute(args);
    }

    // ---- shared ----

    /**
     * Display names of accounts (account id → username), copied while the profile is open: texts are also made
     * after it was closed (the error handler runs after the command's try-with-resources wiped the profile key).
     */
    private java.util.Map<String, String> names = java.util.Map.of();

    void rememberNames(Profile p) {
        names = p.usernames();
    }

    String name(String accountId) {
        return names.getOrDefault(accountId, accountId);
    }

    /** What the user reads when a key is refused (docs/protocol-crypto.md §10). */
    String refusalText(UntrustedIdentityException u) {
        String who = name(u.device().accountId());
        if (u.reason() == UntrustedIdentityException.Reason.NEW_DEVICE_OF_VERIFIED_CONTACT) {
            return "STOP: VERIFIED contact " + who + " has a NEW device " + u.device().deviceId() + " (key "
                    + Fingerprint.of(u.offeredKey()) + "). Nothing was sent to it or accepted from it. Verify again in"
                    + " person (sc safety-number " + who + ") before 'sc trust " + who + "'";
        }
        if (u.verified()) {
            return "STOP: the identity key of VERIFIED contact " + who + " device " + u.device().deviceId() + " changed (was "
                    + Fingerprint.of(u.pinnedKey()) + ", now " + Fingerprint.of(u.offeredKey()) + "). Nothing was sent or"
                    + " accepted. Verify again in person before 'sc trust " + who + "'";
        }
        return "refused: the identity key of " + who + " device " + u.device().deviceId() + " changed (was "
                + Fingerprint.of(u.pinnedKey()) + ", now " + Fingerprint.of(u.offeredKey()) + "). Nothing was sent or"
                + " accepted. Compare safety numbers (sc safety-number " + who + "), then run 'sc trust " + who + "'";
    }

    /** Prints what the SDK reports about keys and devices: on stderr for people, as JSON events on stdout with --json. */
    final class CliTrustListener implements TrustListener {
        @Override
        public void deviceAdded(DeviceAddress device, byte[] identityKey, boolean ownAccount, boolean accepted) {
            String fp = Fingerprint.of(identityKey);
            String human = ownAccount
                    ? "sc: a NEW DEVICE was added to your account: device " + device.deviceId() + " (key " + fp
                            + "). If this was not you, your account is compromised: remove it (sc devices remove "
                            + device.deviceId() + ")"
                    : "sc: " + name(device.accountId()) + " added device " + device.deviceId() + " (key " + fp
                            + "); the safety number changed";
            event(human, node().put("event", ownAccount ? "own-device-added" : "device-added")
                    .put("peer", name(device.accountId())).put("peerAccountId", device.accountId())
                    .put("device", device.deviceId()).put("fingerprint", fp).put("accepted", accepted));
        }

        @Override
        public void identityRefused(UntrustedIdentityException refusal) {
            ObjectNode machine = node().put("event", "identity-refused").put("peer", name(refusal.device().accountId()))
                    .put("peerAccountId", refusal.device().accountId()).put("device", refusal.device().deviceId())
                    .put("reason", refusal.reason().name()).put("verified", refusal.verified())
                    .put("offered", Fingerprint.of(refusal.offeredKey()));
            if (refusal.pinnedKey() != null) {
                machine.put("pinned", Fingerprint.of(refusal.pinnedKey()));
            }
            // A send reports the refusal as its error; only the JSON event is extra there.
            if (json) {
                event(null, machine);
            }
        }

        @Override
        public void undecryptable(DeviceAddress from, String reason) {
            event("sc: could not decrypt a message from " + name(from.accountId()) + " device " + from.deviceId() + ": " + reason,
                    node().put("event", "undecryptable").put("peer", name(from.accountId()))
                            .put("peerAccountId", from.accountId()).put("device", from.deviceId()).put("reason", reason));
        }

        @Override
        public void sessionReset(DeviceAddress peer, boolean requestedHere) {
            String who = name(peer.accountId()) + " device " + peer.deviceId();
            event(requestedHere
                            ? "sc: started a new session with " + who + " and asked it to use it (its message could not be decrypted)"
                            : "sc: " + who + " could not decrypt a message from you and started a new session; resend what it may have missed",
                    node().put("event", "session-reset").put("peer", name(peer.accountId()))
                            .put("peerAccountId", peer.accountId()).put("device", peer.deviceId())
                            .put("requestedBy", requestedHere ? "self" : "peer"));
        }

        private void event(String human, ObjectNode machine) {
            if (json) {
                out.println(machine);
                out.flush();
            } else if (human != null) {
                System.err.println(human);
            }
        }
    }

    /**
     * A messenger for this profile without a relay connection (trust decisions, safety numbers); identity-service
     * is only contacted (and a login only needed) when keys must be fetched.
     */
    Messenger offlineMessenger(Profile p) {
        p.accountId();
        rememberNames(p);
        KeyDirectory lazy = new KeyDirectory() {
            private KeyDirectory directory;

            private KeyDirectory directory() {
                if (directory == null) {
                    directory = KeyDirectory.of(p.identity());
                }
                return directory;
            }

            @Override
            public List<net.secureconnect.sdk.keys.DeviceBundle> bundles(String accountId) {
                return directory().bundles(accountId);
            }

            @Override
            public net.secureconnect.sdk.keys.DeviceBundle bundle(String accountId, int deviceId) {
                return directory().bundle(accountId, deviceId);
            }

            @Override
            public List<Integer> ownDevices() {
                return directory().ownDevices();
            }
        };
        return new Messenger(p.store, lazy, new CliTrustListener());
    }

    /** The account of a username: remembered ones without a server call. */
    static String account(Profile p, String username) {
        return p.accountOf(username).orElseGet(() -> resolve(p, p.identity(), username));
    }

    Profile open(boolean create) {
        return Profile.open(env, profile, create);
    }

    void print(String human, ObjectNode machine) {
        out.println(json ? machine.toString() : human);
        out.flush();
    }

    static ObjectNode node() {
        return JSON.createObjectNode();
    }

    /** The account behind a username (looked up at identity-service once, then remembered). */
    static String resolve(Profile p, IdentityClient identity, String username) {
        return p.accountOf(username).orElseGet(() -> {
            String account = identity.lookupUsername(username);
            p.rememberUsername(username, account);
            return account;
        });
    }

    ObjectNode messageJson(Profile p, StoredMessage m) {
        return node().put("id", m.id()).put("direction", m.outgoing() ? "out" : "in")
                .put("peer", p.displayName(m.peer())).put("peerAccountId", m.peer()).put("peerDevice", m.peerDevice())
                .put("sentAt", Instant.ofEpochMilli(m.sentAtMillis()).toString()).put("text", m.text())
                .set("attachments", attachmentsJson(m));
    }

    static ArrayNode attachmentsJson(StoredMessage m) {
        ArrayNode list = JSON.createArrayNode();
        m.attachments().forEach(a -> list.add(node().put("mediaId", a.blobId()).put("fileName", a.fileName())
                .put("contentType", a.contentType()).put("size", a.pointer().size())));
        return list;
    }

    String messageLine(Profile p, StoredMessage m) {
        StringBuilder line = new StringBuilder(Instant.ofEpochMilli(m.sentAtMillis()) + (m.outgoing() ? "  -> " : "  <- ")
                + p.displayName(m.peer()) + ": " + (m.text() == null ? "" : m.text()));
        m.attachments().forEach(a -> line.append(" [file ").append(a.fileName()).append(", ").append(a.pointer().size())
                .append(" bytes; sc fetch-file ").append(m.id()).append(']'));
        return line.toString();
    }

    /** A messenger for this profile's registered device, connected to the relay. Close the returned client. */
    record Connection(Messenger messenger, RelayClient relay) implements AutoCloseable {
        @Override
        public void close() {
            relay.close();
        }
    }

    Connection connect(Profile p, Messenger.Listener listener) {
        p.accountId();
        AccessTokens tokens = p.accessTokens();
        IdentityClient identity = new IdentityClient(p.http, env.identity(), tokens);
        rememberNames(p);
        Messenger messenger = new Messenger(p.store, KeyDirectory.of(identity), new CliTrustListener());
        messenger.listener(listener);
        RelayClient relay = new RelayClient(p.http, env.relay(), tokens, p.store.localDevice().deviceId().orElseThrow(), messenger);
        messenger.transport(relay);
        relay.start();
        try {
            relay.awaitConnected(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
        return new Connection(messenger, relay);
    }

    // ---- commands ----

    @Command(name = "login", description = {"Sign in. Without -u: shows a web address and a short code to approve on your phone or any"
            + " browser (password and authenticator code are typed there, not here). With -u: password and one-time code in"
            + " this terminal. Creates the profile (and this device's keys) if new."})
    static final class Login implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Option(names = {"-u", "--username"}, description = "log in here with password and one-time code instead of in a browser")
        String username;

        @Option(names = "--totp", description = "with -u: the 6-digit code of the authenticator app (else $SC_TOTP, else asked)")
        String totp;

        @Option(names = "--device", description = "the browser/phone login (the default without -u)")
        boolean device;

        @Override
        public Integer call() throws InterruptedException {
            if (device && username != null) {
                throw new ExitCodes.CliException(ExitCodes.USAGE, "--device and -u exclude each other: -u logs in here, --device in a browser");
            }
            if (username == null) {
                return deviceLogin();
            }
            String password = root.env.password() != null ? root.env.password() : ask("Password: ", true);
            String code = totp != null ? totp : root.env.totp() != null ? root.env.totp() : ask("One-time code: ", false);
            try (Profile p = root.open(true)) {
                OidcClient.Tokens tokens = p.oidc.login(username, password, code);
                p.saveLogin(tokens, false);
                root.print("logged in as " + username + " (profile " + root.profile + ")",
                        node().put("username", username).put("profile", root.profile).put("expiresAt", tokens.expiresAt().toString()));
            }
            return ExitCodes.OK;
        }

        /** OAuth 2.0 device authorization grant (RFC 8628): the user approves in a browser; tokens come to this profile. */
        private int deviceLogin() throws InterruptedException {
            try (Profile p = root.open(true)) {
                DeviceAuthorization grant = p.deviceAuthorization();
                DeviceAuthorization.Started started = grant.start();
                long minutes = Math.max(1, (Duration.between(Instant.now(), started.expiresAt()).toSeconds() + 30) / 60); // 599.9 s: "10"
                root.print("To sign in, open  " + started.verificationUri() + "  on your phone or any browser\n"
                                + "and enter the code  " + started.userCode()
                                + (started.verificationUriComplete() == null ? "" : "   (or open " + started.verificationUriComplete() + ")")
                                + "\nWaiting for you to approve (the code is valid for " + minutes + " minutes; Ctrl-C gives up) ...",
                        node().put("event", "device-authorization").put("verificationUri", started.verificationUri().toString())
                                .put("verificationUriComplete", started.verificationUriComplete() == null ? null
                                        : started.verificationUriComplete().toString())
                                .put("userCode", started.userCode()).put("expiresAt", started.expiresAt().toString())
                                .put("interval", started.interval().toSeconds()));
                OidcClient.Tokens tokens;
                try {
                    tokens = grant.await(started, d -> Thread.sleep(d.toMillis()));
                } catch (DeviceAuthorization.Refused refused) {
                    throw new ExitCodes.CliException(ExitCodes.AUTHENTICATION, refused.denied()
                            ? "login denied: the request was refused on the sign-in page; nothing was stored. Run 'sc login' to try again"
                            : "login code expired before it was approved; run 'sc login' for a new code");
                }
                String who = p.saveLogin(tokens, true).username(); // refused when someone else approved the code
                root.print("logged in as " + who + " (profile " + root.profile + ")",
                        node().put("username", who).put("profile", root.profile).put("expiresAt", tokens.expiresAt().toString()));
            }
            return ExitCodes.OK;
        }

        private static String ask(String prompt, boolean secret) {
            java.io.Console console = System.console();
            if (console == null) {
                throw new ExitCodes.CliException(ExitCodes.USAGE, "no terminal: set SC_PASSWORD / SC_TOTP");
            }
            return secret ? new String(console.readPassword(prompt)) : console.readLine(prompt);
        }
    }

    @Command(name = "logout", description = "End this profile's sign-in session and forget its tokens (keys and history stay).")
    static final class Logout implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                Optional<OidcClient.Tokens> tokens = p.tokens();
                boolean ended = tokens.isPresent() && p.endSession(tokens.get().refreshToken());
                p.forgetTokens();
                root.print(tokens.isEmpty() ? "logged out (was not logged in)"
                                : ended ? "logged out: the sign-in session was ended and its tokens forgotten"
                                : "logged out: tokens forgotten; the sign-in server could not be reached, so its session ends when it expires",
                        node().put("loggedOut", true).put("sessionEnded", ended));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "register-device", description = "Register this profile's device and publish its keys (idempotent); optionally claim a username.")
    static final class RegisterDevice implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Option(names = "--claim-username", description = "also claim this username for the account")
        String claim;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                IdentityClient identity = p.identity();
                LocalDevice device = p.store.localDevice();
                String account = identity.me().accountId();
                boolean registered = device.deviceId().isPresent();
                if (!registered) {
                    identity.registerDevice(account, device);
                    p.store.localDeviceChanged();
                }
                int deviceId = device.deviceId().orElseThrow();
                IdentityClient.Refill refill = identity.refillPrekeysIfLow(account, deviceId, device);
                if (refill.any()) {
                    p.store.localDeviceChanged();
                }
                if (claim != null) {
                    identity.claimUsername(account, claim);
                    p.rememberUsername(claim, account);
                }
                root.print((registered ? "device already registered: " : "registered device ") + deviceId + " of account " + account
                                + (refill.any() ? " (uploaded " + refill.oneTimePrekeys() + " + " + refill.kemOneTimePrekeys() + " one-time keys)" : ""),
                        node().put("accountId", account).put("deviceId", deviceId).put("newlyRegistered", !registered)
                                .put("oneTimePrekeysUploaded", refill.oneTimePrekeys()).put("kemOneTimePrekeysUploaded", refill.kemOneTimePrekeys()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "send", description = "Send an end-to-end-encrypted text message (costs the MESSAGE price).")
    static final class Send implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Parameters(index = "0", paramLabel = "<username>")
        String username;

        @Parameters(index = "1", paramLabel = "<text>")
        String text;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                String to = resolve(p, p.identity(), username);
                try (Connection c = root.connect(p, m -> { })) {
                    String id = c.messenger().send(to, MessageContent.text(text));
                    root.print("sent " + id, node().put("id", id).put("to", username).put("toAccountId", to));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "send-file", description = "Encrypt a file, upload it to media-service (costs the FILE_TRANSFER price) and send it in a message.")
    static final class SendFile implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Parameters(index = "0", paramLabel = "<username>")
        String username;

        @Parameters(index = "1", paramLabel = "<path>")
        java.nio.file.Path path;

        @Option(names = "--text", description = "a caption sent with the file")
        String text;

        @Override
        public Integer call() throws Exception {
            if (!java.nio.file.Files.isRegularFile(path)) {
                throw new ExitCodes.CliException(ExitCodes.USAGE, "no such file: " + path);
            }
            try (Profile p = root.open(false)) {
                String to = resolve(p, p.identity(), username);
                String type = java.util.Objects.requireNonNullElse(java.nio.file.Files.probeContentType(path), "application/octet-stream");
                ProgressBar bar = new ProgressBar(root.json ? null : new PrintWriter(System.err, true));
                MessageContent.Attachment attachment = p.media().upload(path, type, bar);
                bar.done();
                try (Connection c = root.connect(p, m -> { })) {
                    String id = c.messenger().send(to, new MessageContent(System.currentTimeMillis(), text, List.of(attachment)));
                    root.print("sent " + path.getFileName() + " as " + id, node().put("id", id).put("to", username)
                            .put("mediaId", attachment.blobId()).put("size", attachment.pointer().size()));
                }
            }
            return ExitCodes.OK;
        }
    }

    /** A one-line bar on stderr: 40 cells and a percentage, redrawn when the percentage changes. */
    static final class ProgressBar implements java.util.function.LongConsumer {
        private final PrintWriter err;
        private long total;
        private int shown = -1;

        ProgressBar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void accept(long value) {
            if (value < 0) {
                total = -value;
                return;
            }
            int percent = total == 0 ? 100 : (int) (value * 100 / total);
            if (err != null && percent != shown) {
                shown = percent;
                int cells = percent * 40 / 100;
                err.print("\rupload [" + "#".repeat(cells) + " ".repeat(40 - cells) + "] " + percent + "%");
                err.flush();
            }
        }

        void done() {
            if (err != null && shown >= 0) {
                err.println();
            }
        }
    }

    @Command(name = "fetch-file", description = "Download and decrypt the attachments of a received (or sent) message.")
    static final class FetchFile implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Parameters(index = "0", paramLabel = "<message-id>")
        String messageId;

        @Option(names = "--out", defaultValue = ".", description = "folder to write into (default: the current one)")
        java.nio.file.Path out;

        @Override
        public Integer call() throws Exception {
            try (Profile p = root.open(false)) {
                StoredMessage message = new net.secureconnect.sdk.messaging.MessageLog(p.store).history(null).stream()
                        .filter(m -> m.id().equals(messageId) && !m.attachments().isEmpty()).findFirst()
                        .orElseThrow(() -> new ExitCodes.CliException(ExitCodes.USAGE, "no message " + messageId + " with a file"));
                java.nio.file.Files.createDirectories(out);
                ArrayNode written = JSON.createArrayNode();
                for (MessageContent.Attachment a : message.attachments()) {
                    String name = safeFileName(a.fileName() != null ? a.fileName() : a.blobId(), messageId);
                    java.nio.file.Path target = out.resolve(name);
                    p.media().download(a, target);
                    written.add(target.toString());
                    if (!root.json) {
                        root.out.println("saved " + target + " (" + a.pointer().size() + " bytes, digest verified)");
                    }
                }
                if (root.json) {
                    root.out.println(node().set("files", written));
                }
                root.out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /**
     * A file name chosen by the peer, made safe to write into the output folder: its last path element only, no
     * control characters, never "." or ".." or hidden; otherwise "attachment-<message id>".
     */
    static String safeFileName(String proposed, String messageId) {
        String fallback = "attachment-" + messageId.replaceAll("[^A-Za-z0-9_-]", "");
        if (proposed == null) {
            return fallback;
        }
        String last = proposed.replace('\\', '/');
        last = last.substring(last.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "").trim();
        if (last.isEmpty() || last.startsWith(".") || last.length() > 255) {
            return fallback;
        }
        return last;
    }

    @Command(name = "listen", description = "Print messages as they arrive (first those that came while offline); Ctrl-C to stop.")
    static final class Listen implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Option(names = "--for", paramLabel = "<seconds>", description = "stop after this many seconds (default: run until interrupted)")
        Long seconds;

        @Override
        public Integer call() throws InterruptedException {
            try (Profile p = root.open(false)) {
                CountDownLatch stop = new CountDownLatch(1);
                Connection c = root.connect(p, m -> root.print(root.messageLine(p, m), root.messageJson(p, m)));
                try {
                    c.messenger().checkOwnDevices(); // a device added to this account is reported right away
                } catch (RuntimeException e) {
                    System.err.println("sc: could not check this account's devices: " + e.getMessage());
                }
                Thread hook = new Thread(() -> {
                    stop.countDown();
                    c.close();
                });
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    if (seconds == null) {
                        stop.await();
                    } else {
                        stop.await(seconds, TimeUnit.SECONDS);
                    }
                } finally {
                    c.close();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "history", description = "Show the stored messages (all, or with one user), oldest first.")
    static final class History implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Parameters(index = "0", arity = "0..1", paramLabel = "<username>")
        String username;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                String peer = username == null ? null : p.accountOf(username).orElseGet(() -> resolve(p, p.identity(), username));
                List<StoredMessage> messages = new net.secureconnect.sdk.messaging.MessageLog(p.store).history(peer);
                if (root.json) {
                    ArrayNode list = JSON.createArrayNode();
                    messages.forEach(m -> list.add(root.messageJson(p, m)));
                    root.out.println(node().set("messages", list));
                } else {
                    messages.forEach(m -> root.out.println(root.messageLine(p, m)));
                    if (messages.isEmpty()) {
                        root.out.println("no messages");
                    }
                }
                root.out.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "balance", description = "Show the wallet's balance in credits.")
    static final class Balance implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                WalletClient.Balance b = p.wallet().balance();
                root.print(b.balance() + " credits" + (b.status() == null ? "" : " (" + b.status() + ")"),
                        node().put("balance", b.balance()).put("version", b.version()).put("status", b.status()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "ledger", description = "Show the wallet's ledger, newest first.")
    static final class Ledger implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Option(names = "--limit", defaultValue = "20")
        int limit;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                WalletClient.LedgerPage page = p.wallet().ledger(limit, null);
                if (root.json) {
                    ArrayNode list = JSON.createArrayNode();
                    page.entries().forEach(list::add);
                    root.out.println(node().<ObjectNode>set("entries", list).put("nextBefore", page.nextBefore()));
                } else {
                    for (JsonNode e : page.entries()) {
                        root.out.printf("%6s %-14s %+6d  balance %d  %s%n", e.path("version").asText(""), e.path("kind").asText(e.path("type").asText("")),
                                e.path("amount").asLong(e.path("credits").asLong()), e.path("balanceAfter").asLong(e.path("balance").asLong()),
                                e.path("at").asText(e.path("createdAt").asText(""))); // the wallet sends "at"
                    }
                }
                root.out.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "topup", description = {"Buy credits: opens the checkout of a pack in your browser (or prints its address),"
            + " waits until the credits arrive and shows the new balance. Without a pack: the packs and prices."})
    static final class Topup implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Parameters(index = "0", arity = "0..1", paramLabel = "<pack>", description = "e.g. small; 'sc topup' lists them")
        String packId;

        @Option(names = "--payment", paramLabel = "<payment-id>", description = "wait for a checkout opened earlier instead of opening one")
        String paymentId;

        @Option(names = "--no-browser", description = "only print the checkout address (default when there is no display)")
        boolean noBrowser;

        @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "900",
                description = "how long to wait for the payment (default: ${DEFAULT-VALUE})")
        long timeoutSeconds;

        /** How often the payment is looked at while the checkout is open (what the web client does, a bit faster). */
        static final Duration POLL = Duration.ofSeconds(1);
        /** After the gateway reported success: the credit crosses Kafka to the wallet, normally well under a second. */
        static final Duration CREDIT_GRACE = Duration.ofSeconds(60);

        @Override
        public Integer call() throws InterruptedException {
            try (Profile p = root.open(false)) {
                PaymentClient payments = p.payments();
                if (packId == null && paymentId == null) {
                    return priceList(p, payments.packs());
                }
                PaymentClient.Payment payment;
                if (paymentId != null) {
                    payment = payments.payment(paymentId);
                } else {
                    List<PaymentClient.Pack> packs = payments.packs();
                    PaymentClient.Pack pack = packs.stream().filter(k -> k.packId().equalsIgnoreCase(packId)).findFirst()
                            .orElseThrow(() -> new ExitCodes.CliException(ExitCodes.USAGE, "no pack '" + packId + "'. Packs: "
                                    + String.join(", ", packs.stream().map(Topup::describe).toList()) + ". Example: sc topup "
                                    + (packs.isEmpty() ? "small" : packs.get(0).packId())));
                    // A fresh key per run: a retried request inside the SDK would reuse it; a new run is a new checkout.
                    payment = payments.openCheckout(pack.packId(), java.util.UUID.randomUUID().toString());
                    boolean opened = !noBrowser && openInBrowser(payment.checkoutUrl());
                    root.print((opened ? "Opened the checkout in your browser: " : "Pay here (open it in a browser): ")
                                    + payment.checkoutUrl() + "\n" + describe(pack) + "; waiting for the payment (Ctrl-C stops waiting;"
                                    + " the credits still arrive when you pay) ...",
                            node().put("event", "checkout").put("paymentId", payment.paymentId()).put("packId", pack.packId())
                                    .put("credits", pack.credits()).put("priceMinor", pack.priceMinor()).put("currency", pack.currency())
                                    .put("checkoutUrl", payment.checkoutUrl()).put("browserOpened", opened));
                }
                Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
                while (payment.pending() && Instant.now().isBefore(deadline)) {
                    Thread.sleep(POLL.toMillis());
                    payment = payments.payment(payment.paymentId());
                }
                if (payment.pending()) {
                    throw new ExitCodes.CliException(ExitCodes.PAYMENT_NOT_COMPLETED, "no payment arrived within " + timeoutSeconds
                            + " s; nothing was charged by us. The checkout stays open: pay at " + payment.checkoutUrl()
                            + " and then run 'sc topup --payment " + payment.paymentId() + "' (or just 'sc balance' later)");
                }
                if (payment.status().equals("FAILED")) {
                    throw new ExitCodes.CliException(ExitCodes.PAYMENT_NOT_COMPLETED, "the payment was declined at the checkout"
                            + " (payment " + payment.paymentId() + "); no credits were added. Try again: sc topup " + payment.packId());
                }
                if (!payment.status().equals("SUCCEEDED")) {
                    throw new ExitCodes.CliException(ExitCodes.PAYMENT_NOT_COMPLETED, "payment " + payment.paymentId() + " is "
                            + payment.status() + ": its credits are not (or no longer) in the wallet; see 'sc ledger'");
                }
                JsonNode entry = awaitCredit(p.wallet(), payment.paymentId(), Instant.now().plus(CREDIT_GRACE));
                if (entry == null) {
                    throw new ExitCodes.CliException(ExitCodes.NETWORK_OR_SERVER, "paid (payment " + payment.paymentId() + "), but the"
                            + " wallet has not booked it within " + CREDIT_GRACE.toSeconds() + " s; it will: check 'sc balance' in a minute");
                }
                WalletClient.Balance balance = p.wallet().balance();
                root.print("paid: +" + payment.credits() + " credits (" + payment.packId() + "). Balance: " + balance.balance() + " credits",
                        node().put("paymentId", payment.paymentId()).put("packId", payment.packId()).put("status", payment.status())
                                .put("credits", payment.credits()).put("balance", balance.balance()));
            }
            return ExitCodes.OK;
        }

        /** The wallet's ledger entry for this purchase ({@code purchase:<paymentId>}), or null when it is not there by the deadline. */
        static JsonNode awaitCredit(WalletClient wallet, String paymentId, Instant deadline) throws InterruptedException {
            String entryId = "purchase:" + paymentId;
            while (true) {
                for (JsonNode e : wallet.ledger(50, null).entries()) {
                    if (entryId.equals(e.path("entryId").asText())) {
                        return e;
                    }
                }
                if (!Instant.now().isBefore(deadline)) {
                    return null;
                }
                Thread.sleep(250);
            }
        }

        private int priceList(Profile p, List<PaymentClient.Pack> packs) {
            java.util.Map<String, Long> prices = p.wallet().pricing();
            StringBuilder human = new StringBuilder("Packs (sc topup <pack>):");
            ArrayNode list = JSON.createArrayNode();
            for (PaymentClient.Pack k : packs) {
                human.append("\n  ").append(String.format("%-8s %6d credits  %s", k.packId(), k.credits(), k.price()));
                list.add(node().put("packId", k.packId()).put("credits", k.credits()).put("priceMinor", k.priceMinor())
                        .put("currency", k.currency()));
            }
            human.append("\nWhat things cost:");
            ObjectNode cost = node();
            prices.forEach((kind, credits) -> {
                human.append("\n  ").append(String.format("%-14s %d credit%s", kindName(kind), credits, credits == 1 ? "" : "s"));
                cost.put(kind, credits);
            });
            root.print(human.toString(), node().<ObjectNode>set("packs", list).set("prices", cost));
            return ExitCodes.OK;
        }

        static String describe(PaymentClient.Pack pack) {
            return pack.packId() + " (" + pack.credits() + " credits for " + pack.price() + ")";
        }

        /**
         * Opens a checkout address with xdg-open when there is a display. Only https, or http on this machine (the
         * sandbox): an address from a compromised server must not start some other URL handler of the desktop.
         */
        static boolean openInBrowser(String url) {
            if (url == null || (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null)) {
                return false;
            }
            java.net.URI uri;
            try {
                uri = java.net.URI.create(url);
            } catch (IllegalArgumentException e) {
                return false;
            }
            String scheme = String.valueOf(uri.getScheme()).toLowerCase(java.util.Locale.ROOT);
            String host = String.valueOf(uri.getHost());
            boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
            if (!(scheme.equals("https") || scheme.equals("http") && loopback)) {
                return false;
            }
            try {
                new ProcessBuilder("xdg-open", uri.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return true;
            } catch (java.io.IOException noXdgOpen) {
                return false;
            }
        }
    }

    /** The wallet's kinds of use as people say them. */
    static String kindName(String kind) {
        return switch (kind) {
            case "MESSAGE" -> "a message";
            case "FILE_TRANSFER" -> "a file";
            case "CALL_MINUTE" -> "a call minute";
            default -> kind.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    @Command(name = "safety-number", description = "Show the safety number with a user (from the pinned keys of exactly the devices messages go to; fetches nothing), to compare in person.")
    static final class SafetyNumberCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Parameters(index = "0", paramLabel = "<username>")
        String username;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                Messenger messenger = root.offlineMessenger(p);
                String them = account(p, username);
                SafetyNumber number;
                try {
                    number = messenger.safetyNumber(them);
                } catch (IllegalStateException e) {
                    throw new ExitCodes.CliException(ExitCodes.USAGE, "no keys of " + username
                            + " are pinned yet: send them a message or run 'sc trust " + username + "' first");
                }
                boolean verified = messenger.trust().isVerified(them);
                ArrayNode devices = JSON.createArrayNode();
                StringBuilder lines = new StringBuilder();
                for (IdentityPin pin : messenger.trust().pins(them)) {
                    if (pin.identityKey() == null) {
                        continue;
                    }
                    String fp = Fingerprint.of(pin.identityKey());
                    devices.add(node().put("device", pin.device().deviceId()).put("fingerprint", fp)
                            .put("pendingChange", pin.pendingKey() != null));
                    lines.append("\n  device ").append(pin.device().deviceId()).append(": ").append(fp)
                            .append(pin.pendingKey() != null ? "  (key change pending: sc trust " + username + ")" : "");
                }
                root.print(number.displayed() + "\n" + number.qrText() + "\n" + username + " is "
                                + (verified ? "VERIFIED" : "not verified (compare, then: sc verify " + username + " <their digits>)")
                                + lines,
                        node().put("username", username).put("digits", number.digits()).put("qr", number.qrText())
                                .put("verified", verified).<ObjectNode>set("devices", devices));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "trust", description = "Accept the changed identity keys (or new devices) of a user after comparing safety numbers; for a new contact, fetch and pin their keys.")
    static final class Trust implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Parameters(index = "0", paramLabel = "<username>")
        String username;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                Messenger messenger = root.offlineMessenger(p);
                String them = account(p, username);
                boolean wasVerified = messenger.trust().isVerified(them);
                List<net.secureconnect.sdk.keys.DeviceAddress> changed = messenger.acceptChanges(them);
                List<Integer> devices = messenger.knownDevices(them);
                ArrayNode list = JSON.createArrayNode();
                changed.forEach(d -> list.add(d.deviceId()));
                String human = changed.isEmpty()
                        ? "nothing to accept for " + username + "; pinned devices: " + devices
                        : "accepted the new keys of " + username + " device(s) " + list + (wasVerified ? " (no longer verified)" : "")
                                + "; compare safety numbers again: sc safety-number " + username;
                root.print(human, node().put("username", username).<ObjectNode>set("accepted", list)
                        .put("wasVerified", wasVerified));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", description = "Mark a user verified: give the 60 digits they read out to you (spaces ignored) or the QR text you scanned.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Parameters(index = "0", paramLabel = "<username>")
        String username;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<digits-or-qr>")
        List<String> compared;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                Messenger messenger = root.offlineMessenger(p);
                String them = account(p, username);
                SafetyNumber number;
                try {
                    number = messenger.safetyNumber(them);
                } catch (IllegalStateException e) {
                    throw new ExitCodes.CliException(ExitCodes.USAGE, "no keys of " + username + " are pinned yet");
                }
                String given = String.join("", compared).trim();
                boolean matches = given.startsWith(SafetyNumber.QR_PREFIX) ? number.matchesQr(given)
                        : net.secureconnect.sdk.crypto.Sodium.constantTimeEquals(
                                given.replaceAll("\\s", "").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                                number.digits().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                if (!matches) {
                    throw new ExitCodes.CliException(ExitCodes.UNTRUSTED, "the safety number does NOT match: " + username
                            + " is not verified. Someone may be between you, or a device changed: do not trust this conversation");
                }
                messenger.trust().verify(them);
                root.print(username + " is now VERIFIED; a changed key or new device of theirs will be refused until you verify again",
                        node().put("username", username).put("verified", true));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "devices", description = "List this account's devices with their key fingerprints; 'devices remove <id>' removes one.",
            subcommands = Devices.Remove.class)
    static final class Devices implements Callable<Integer> {
        @CommandLine.ParentCommand
        SecureConnectCli root;

        @Override
        public Integer call() {
            try (Profile p = root.open(false)) {
                Messenger messenger = root.offlineMessenger(p);
                messenger.checkOwnDevices(); // new ones are pinned and reported before listing
                String me = p.accountId();
                int self = p.store.localDevice().deviceId().orElseThrow();
                ArrayNode list = JSON.createArrayNode();
                StringBuilder human = new StringBuilder();
                for (int id : p.identity().me().deviceIds()) {
                    byte[] key = id == self ? p.store.localDevice().identity().publicKey()
                            : messenger.trust().store().pin(new net.secureconnect.sdk.keys.DeviceAddress(me, id))
                                    .map(IdentityPin::identityKey).orElse(null);
                    String fp = key == null ? "(not pinned)" : Fingerprint.of(key);
                    list.add(node().put("device", id).put("fingerprint", fp).put("thisDevice", id == self));
                    human.append(human.length() == 0 ? "" : "\n").append("device ").append(id).append(": ").append(fp)
                            .append(id == self ? "  (this device)" : "");
                }
                root.print(human.toString(), node().set("devices", list));
            }
            return ExitCodes.OK;
        }

        @Command(name = "remove", description = "Remove one of this account's devices (it can no longer receive).")
        static final class Remove implements Callable<Integer> {
            @CommandLine.ParentCommand
            Devices parent;

            @Parameters(index = "0", paramLabel = "<device-id>")
            int deviceId;

            @Override
            public Integer call() {
                SecureConnectCli root = parent.root;
                try (Profile p = root.open(false)) {
                    if (p.store.localDevice().deviceId().orElse(-1) == deviceId) {
                        throw new ExitCodes.CliException(ExitCodes.USAGE, "device " + deviceId + " is this device");
                    }
                    p.identity().removeDevice(p.accountId(), deviceId);
                    root.print("removed device " + deviceId, node().put("removed", deviceId));
                }
                return ExitCodes.OK;
            }
        }
    }
}
