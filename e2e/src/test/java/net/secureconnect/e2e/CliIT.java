package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal client's commands, run in-process against the stack as a person would type them:
 * login with password + TOTP, register-device (claiming a username), send, listen, history, balance,
 * ledger, safety-number, logout; {@code send} with an empty wallet exits 4 and the recipient gets
 * nothing; after an admin top-up it works again; {@code send-file} of a 50 MiB file (exit 4 at zero, then
 * through media-service and S3) and {@code fetch-file} return the very bytes, charged exactly once, and the
 * file's plaintext marker is in no table, topic, object or log. Devices it registers are removed afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {

    private static final String ALICE_NAME = E2eConfig.prop("cli.alice-username", "e2e_alice");
    private static final String BOB_NAME = E2eConfig.prop("cli.bob-username", "e2e_bob");

    @TempDir
    static Path home;

    private static final List<String[]> registered = new ArrayList<>(); // {accountId, deviceId, user}

    private static CliRunner.Result sc(E2eConfig.TestUser user, String totp, String... args) {
        return new CliRunner(home).sc(user, totp, args);
    }

    private static CliRunner.Result ok(E2eConfig.TestUser user, String... args) {
        return new CliRunner(home).ok(user, args);
    }

    /** Password + TOTP login; retried once because that code's time step may have been used by another test. */
    private static void login(E2eConfig.TestUser user) {
        CliRunner.Result login = sc(user, Keycloak.freshTotp(user), "--json", "login", "-u", user.username());
        if (login.exitCode() != 0) {
            login = sc(user, Keycloak.freshTotp(user), "--json", "login", "-u", user.username());
        }
        assertEquals(0, login.exitCode(), login.toString());
    }

    @Test
    @Order(1)
    void aConversationThroughTheCommandsWithExitCode4AtZero() {
        for (E2eConfig.TestUser user : List.of(E2eConfig.ALICE, E2eConfig.BOB)) {
            login(user);
            JsonNode reg = ok(user, "--json", "register-device", "--claim-username",
                    user == E2eConfig.ALICE ? ALICE_NAME : BOB_NAME).json();
            registered.add(new String[] {reg.path("accountId").asText(), reg.path("deviceId").asText(), user.username()});
            assertTrue(reg.path("newlyRegistered").asBoolean(), reg.toString());
        }
        String aliceAccount = registered.get(0)[0];
        // The listener's first connection also proves the relay knows bob's new device.
        ok(E2eConfig.BOB, "listen", "--for", "3");

        setBalance(aliceAccount, 1);
        JsonNode sent = ok(E2eConfig.ALICE, "--json", "send", BOB_NAME, "hello from the cli").json();
        assertTrue(sent.hasNonNull("id"), sent.toString());
        awaitCliBalance(E2eConfig.ALICE, 0);

        CliRunner.Result refused = sc(E2eConfig.ALICE, null, "--json", "send", BOB_NAME, "not paid for");
        assertEquals(4, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("INSUFFICIENT_CREDITS"), refused.err());

        CliRunner.Result heard = ok(E2eConfig.BOB, "--json", "listen", "--for", "8");
        assertTrue(heard.out().contains("hello from the cli"), heard.out());
        assertTrue(!heard.out().contains("not paid for"), heard.out());

        adjust(aliceAccount, 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        CliRunner.Result again;
        do {
            again = sc(E2eConfig.ALICE, null, "send", BOB_NAME, "paid again");
        } while (again.exitCode() == 4 && System.nanoTime() < deadline && sleep());
        assertEquals(0, again.exitCode(), again.toString());
        ok(E2eConfig.BOB, "listen", "--for", "8");
        JsonNode history = ok(E2eConfig.BOB, "--json", "history", ALICE_NAME).json();
        List<String> texts = new ArrayList<>();
        history.path("messages").forEach(m -> texts.add(m.path("text").asText()));
        assertEquals(List.of("hello from the cli", "paid again"), texts);

    }

    /** A file: encrypted locally, uploaded through media-service, its key inside the message; refused at zero. */
    @Test
    @Order(2)
    void sendFileAndFetchFile() throws Exception {
        assertEquals(2, registered.size(), "the conversation test registered both devices");
        // A bad declared size is refused by the stack's media-service before anything else happens.
        HttpResponse<String> probe = Http.postJson(SdkDevice.url("media-service") + "/media/uploads",
                Map.of("Authorization", "Bearer " + Keycloak.accessToken(E2eConfig.ALICE), "Content-Type", "application/json"),
                "{\"size\":-1}");
        assertEquals(400, probe.statusCode(), "media-service refuses a negative size: " + probe.body());
        String aliceAccount = registered.get(0)[0];
        // 50 MiB (issue 7), starting with a unique plaintext marker the privacy check below must find nowhere.
        java.nio.file.Path file = home.resolve("photo.bin");
        String marker = "FILE-MARKER-" + java.util.UUID.randomUUID();
        byte[] bytes = new byte[50 * 1024 * 1024];
        new java.util.Random(7).nextBytes(bytes);
        byte[] markerBytes = marker.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(markerBytes, 0, bytes, 0, markerBytes.length);
        java.nio.file.Files.write(file, bytes);
        CliRunner.Result noCredits = sc(E2eConfig.ALICE, null, "send-file", BOB_NAME, file.toString());
        assertEquals(4, noCredits.exitCode(), noCredits.toString());
        JsonNode prices = Http.json(Http.get(SdkDevice.url("wallet-service") + "/pricing")).path("prices");
        adjust(aliceAccount, prices.path("FILE_TRANSFER").asLong() + prices.path("MESSAGE").asLong());
        CliRunner.Result fileSent;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            fileSent = sc(E2eConfig.ALICE, null, "--json", "send-file", BOB_NAME, file.toString(), "--text", "a file");
        } while (fileSent.exitCode() == 4 && System.nanoTime() < deadline && sleep());
        assertEquals(0, fileSent.exitCode(), fileSent.toString());
        String fileMessage = fileSent.json().path("id").asText();
        ok(E2eConfig.BOB, "listen", "--for", "8");
        java.nio.file.Path downloads = home.resolve("downloads");
        ok(E2eConfig.BOB, "fetch-file", fileMessage, "--out", downloads.toString());
        assertTrue(java.util.Arrays.equals(bytes, java.nio.file.Files.readAllBytes(downloads.resolve("photo.bin"))),
                "bob decrypted exactly the bytes alice sent");
        // Topped up with exactly one file transfer and one message: both charged once, nothing more.
        awaitCliBalance(E2eConfig.ALICE, 0);
        PrivacyCheck.assertNowhere(marker);
    }

    @Test
    @Order(3)
    void safetyNumbersLedgerAndLogout() {
        assertEquals(2, registered.size(), "the conversation test registered both devices");
        String aliceSees = ok(E2eConfig.ALICE, "--json", "safety-number", BOB_NAME).json().path("digits").asText();
        String bobSees = ok(E2eConfig.BOB, "--json", "safety-number", ALICE_NAME).json().path("digits").asText();
        assertEquals(60, aliceSees.length());
        assertEquals(aliceSees, bobSees, "both sides compute the same safety number");
        assertTrue(ok(E2eConfig.ALICE, "--json", "ledger", "--limit", "3").json().path("entries").size() > 0);
        // Logout ends the Keycloak session the CLI's login opened (RFC 7009 revocation), not only the local tokens:
        // alice has one CLI-client session fewer afterwards (the test JVM's own logins of alice stay).
        int before = cliSessionsOf(registered.get(0)[0]);
        CliRunner.Result out = ok(E2eConfig.ALICE, "--json", "logout");
        assertTrue(out.json().path("sessionEnded").asBoolean(), out.out());
        assertEquals(before - 1, cliSessionsOf(registered.get(0)[0]), "the CLI's sign-in session was ended at Keycloak");
        assertEquals(3, sc(E2eConfig.ALICE, null, "balance").exitCode(), "logged out");
    }

    /** Keycloak's live sessions of the user (account id = Keycloak user id) that include the CLI client. */
    private static int cliSessionsOf(String accountId) {
        HttpResponse<String> sessions = Http.get(Keycloak.adminApi() + "/users/" + accountId + "/sessions", Keycloak.adminToken());
        assertEquals(200, sessions.statusCode(), sessions.body());
        int n = 0;
        for (JsonNode session : Http.json(sessions)) {
            for (JsonNode client : session.path("clients")) {
                n += client.asText().equals(E2eConfig.cliClientId()) ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * {@code sc login} without -u: the OAuth 2.0 device authorization grant (RFC 8628) against the stack's Keycloak.
     * The test is the person with a phone: it opens the printed address, types the code, signs in on Keycloak's own
     * pages (password, then authenticator code) and says Yes on the consent page, over plain HTTP with a browser's
     * headers ({@link BrowserSession}). The CLI ends logged in and its tokens work at the services. On the way: a
     * code typed wrong is refused by the page (no sign-in offered), and the approved code cannot be used again by
     * someone who read it over the shoulder.
     */
    @Test
    @Order(4)
    void deviceLoginApprovedInTheBrowser() {
        assertEquals(2, registered.size(), "the conversation test registered both devices");
        ok(E2eConfig.ALICE, "logout"); // (the test before ends logged out too; this one does not depend on it)
        assertEquals(3, sc(E2eConfig.ALICE, null, "balance").exitCode(), "logged out");
        BrowserSession phone = new BrowserSession();

        JsonNode prompt;
        BrowserSession.Page end;
        CliRunner.Result done;
        try (CliRunner.Running login = new CliRunner(home).start(E2eConfig.ALICE, "--json", "login")) {
            prompt = login.awaitEvent("device-authorization");
            assertEquals(E2eConfig.issuer() + "/device", prompt.path("verificationUri").asText(), prompt.toString());
            assertTrue(prompt.path("userCode").asText().matches("[A-Z]{4}-[A-Z]{4}"), prompt.toString());
            assertEquals(prompt.path("verificationUri").asText() + "?user_code=" + prompt.path("userCode").asText(),
                    prompt.path("verificationUriComplete").asText(), prompt.toString());

            // A code typed wrong (or guessed) is refused on the page, which asks again: no sign-in page, nothing granted.
            BrowserSession.Page wrong = phone.submit(phone.open(prompt.path("verificationUri").asText()), "device_user_code",
                    Map.of("device_user_code", "BCDF-GHJK"));
            assertTrue(wrong.hasField("device_user_code") && !wrong.hasField("password"), wrong.toString());
            assertTrue(wrong.text().contains("Invalid code"), wrong.toString());

            end = approveDeviceLogin(phone, prompt, E2eConfig.ALICE, true);
            assertTrue(end.text().contains("Device Login Successful"), end.toString());
            done = login.finish();
        }
        assertEquals(0, done.exitCode(), done + "\nlast page: " + end);
        assertEquals(E2eConfig.ALICE.username(), done.json().path("username").asText(), done.toString());
        assertTrue(!done.out().contains("eyJ") && !done.err().contains("eyJ"), "no token is printed: " + done);
        // The session works: wallet and identity-service accept the device-flow token (and its refresh).
        ok(E2eConfig.ALICE, "--json", "balance");
        JsonNode devices = ok(E2eConfig.ALICE, "--json", "devices").json().path("devices");
        assertTrue(devices.toString().contains("\"thisDevice\":true"), devices.toString());

        // The approved code is spent: whoever opens it again (read over the shoulder, or the link forwarded) is refused.
        BrowserSession.Page replay = new BrowserSession().open(prompt.path("verificationUriComplete").asText());
        assertTrue(replay.hasField("device_user_code") && !replay.hasField("password") && !replay.hasField("accept"),
                replay.toString());
        assertTrue(replay.text().contains("Invalid code"), replay.toString());

        // sc devices: a device added to the account elsewhere is reported with its key fingerprint and listed; it
        // can be removed from here.
        String aliceAccount = registered.get(0)[0];
        net.secureconnect.sdk.api.IdentityClient identity = new net.secureconnect.sdk.api.IdentityClient(
                HttpClient.newHttpClient(), URI.create(SdkDevice.url("identity-service") + "/"),
                () -> Keycloak.accessToken(E2eConfig.ALICE));
        net.secureconnect.sdk.keys.LocalDevice elsewhere = net.secureconnect.sdk.keys.LocalDevice.generate();
        int elsewhereId = identity.registerDevice(aliceAccount, elsewhere);
        identity.refillPrekeysIfLow(aliceAccount, elsewhereId, elsewhere);
        String fingerprint = net.secureconnect.sdk.trust.Fingerprint.of(elsewhere.identity().publicKey());
        CliRunner.Result listed = ok(E2eConfig.ALICE, "--json", "devices");
        assertTrue(listed.out().contains("\"event\":\"own-device-added\"") && listed.out().contains(fingerprint), listed.out());
        assertTrue(listed.json().path("devices").toString().contains("{\"device\":" + elsewhereId + ",\"fingerprint\":\""
                + fingerprint + "\""), listed.out());
        ok(E2eConfig.ALICE, "devices", "remove", String.valueOf(elsewhereId));
        assertTrue(!identity.me().deviceIds().contains(elsewhereId), "removed: " + identity.me().deviceIds());
        assertTrue(!ok(E2eConfig.ALICE, "--json", "devices").json().path("devices").toString().contains(fingerprint));
    }

    /**
     * The hostile and unhappy sides of the device login, read as a person reads the terminal (no --json): a request
     * the person refuses on the consent page ends with exit 3 {@code login denied}; a code that somebody else
     * approves with their own account (a code shown on the wrong screen, or handed to an attacker to approve) gives
     * this profile nobody else's session — exit 3, nothing stored, the owner's session untouched.
     */
    @Test
    @Order(5)
    void deviceLoginDeniedOrApprovedBySomeoneElse() {
        assertEquals(2, registered.size(), "the conversation test registered both devices");
        login(E2eConfig.ALICE); // a session to keep: neither a denial nor a stranger's approval may end it
        BrowserSession alicesPhone = new BrowserSession();

        BrowserSession.Page no;
        CliRunner.Result denied;
        try (CliRunner.Running refused = new CliRunner(home).start(E2eConfig.ALICE, "login", "--device")) {
            String[] shown = refused.awaitMatch(java.util.regex.Pattern.compile("open +(\\S+/device) .*\\n.*enter the code +([A-Z]{4}-[A-Z]{4})"));
            assertEquals(E2eConfig.issuer() + "/device", shown[1]);
            no = approveDeviceLogin(alicesPhone, shown[1], shown[2], E2eConfig.ALICE, false);
            denied = refused.finish();
        }
        assertEquals(3, denied.exitCode(), denied + "\nlast page: " + no);
        assertTrue(denied.err().contains("login denied"), denied.err());
        assertTrue(no.text().contains("Consent denied"), no.toString());
        ok(E2eConfig.ALICE, "balance"); // the earlier session is untouched

        int bobsSessionsBefore = cliSessionsOf(registered.get(1)[0]);
        CliRunner.Result refusedForBob;
        try (CliRunner.Running stolen = new CliRunner(home).start(E2eConfig.ALICE, "--json", "login")) {
            JsonNode prompt = stolen.awaitEvent("device-authorization");
            BrowserSession.Page approvedByBob = approveDeviceLogin(new BrowserSession(), prompt, E2eConfig.BOB, true);
            assertTrue(approvedByBob.text().contains("Device Login Successful"), approvedByBob.toString()); // Keycloak's part
            refusedForBob = stolen.finish();
        }
        assertEquals(3, refusedForBob.exitCode(), refusedForBob.toString());
        assertTrue(refusedForBob.err().contains("belongs to " + E2eConfig.ALICE.username() + ", but the code was approved as "
                + E2eConfig.BOB.username() + "; nothing was stored"), refusedForBob.err());
        assertTrue(!refusedForBob.out().contains("eyJ") && !refusedForBob.err().contains("eyJ"), refusedForBob.toString());
        // ... and the session the stranger's approval opened was ended at Keycloak: no live login of bob is left behind.
        assertTrue(refusedForBob.err().contains("the sign-in it opened was ended"), refusedForBob.err());
        assertEquals(bobsSessionsBefore, cliSessionsOf(registered.get(1)[0]), "bob's refused device-flow session was revoked");
        // Alice's profile still acts as Alice: the account's device list (fetched with the stored token) is hers.
        boolean ownDeviceListed = false;
        for (JsonNode device : ok(E2eConfig.ALICE, "--json", "devices").json().path("devices")) {
            ownDeviceListed |= device.path("device").asText().equals(registered.get(0)[1]) && device.path("thisDevice").asBoolean();
        }
        assertTrue(ownDeviceListed, "alice's own device is listed as this device");
    }

    /** Keycloak's device verification pages for the address and code the CLI printed (see the overload). */
    private static BrowserSession.Page approveDeviceLogin(BrowserSession phone, JsonNode prompt, E2eConfig.TestUser user,
                                                          boolean approve) {
        return approveDeviceLogin(phone, prompt.path("verificationUri").asText(), prompt.path("userCode").asText(), user, approve);
    }

    /**
     * Keycloak's device verification pages as a person goes through them: the address the CLI printed, the code,
     * then (unless the browser is already signed in) username + password and the authenticator code, then Yes/No.
     * Returns the last page (Keycloak's "Device Login Successful" or the refusal).
     */
    private static BrowserSession.Page approveDeviceLogin(BrowserSession phone, String verificationUri, String userCode,
                                                          E2eConfig.TestUser user, boolean approve) {
        BrowserSession.Page page = phone.open(verificationUri);
        page = phone.submit(page, "device_user_code", Map.of("device_user_code", userCode));
        for (int step = 0; step < 8; step++) {
            if (page.hasField("password")) {
                page = phone.submit(page, "password", Map.of("username", user.username(), "password", user.password()));
            } else if (page.hasField("otp")) { // asked again when that code's time step was used elsewhere
                page = phone.submit(page, "otp", Map.of("otp", Keycloak.freshTotp(user)));
            } else if (page.hasField("accept")) {
                return phone.submit(page, "accept", approve ? Map.of("accept", "Yes") : Map.of("cancel", "No"));
            } else {
                return page;
            }
        }
        return page;
    }

    /**
     * {@code sc topup}: the packs with prices; an unknown pack lists them (exit 2); a checkout paid on the sandbox's
     * hosted page as a person would → the CLI shows the new balance; declined → exit 7; nobody pays → exit 7 telling
     * how to resume; a forged (unsigned) completion of that checkout credits nothing; paying it later and resuming
     * credits it once.
     */
    @Test
    @Order(6)
    void topupThroughTheSandboxCheckout() {
        login(E2eConfig.ALICE); // test 3 logged alice out (the device-login tests log her in again, but this one stands alone)
        JsonNode packs = Http.json(Http.get(SdkDevice.url("payment-service") + "/topups/packs", Keycloak.accessToken(E2eConfig.ALICE)));
        JsonNode listed = ok(E2eConfig.ALICE, "--json", "topup").json();
        assertEquals(packs.size(), listed.path("packs").size(), listed.toString());
        assertTrue(listed.path("prices").path("MESSAGE").asLong() > 0, listed.toString());
        CliRunner.Result unknown = sc(E2eConfig.ALICE, null, "topup", "no-such-pack");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        for (JsonNode pack : packs) {
            assertTrue(unknown.err().contains(pack.path("packId").asText() + " (" + pack.path("credits").asLong() + " credits for "),
                    unknown.err());
        }

        String packId = packs.get(0).path("packId").asText();
        long credits = packs.get(0).path("credits").asLong();
        long before = ok(E2eConfig.ALICE, "--json", "balance").json().path("balance").asLong();
        BrowserSession browser = new BrowserSession();

        CliRunner.Running topup = new CliRunner(home).start(E2eConfig.ALICE, "--json", "topup", packId, "--no-browser");
        JsonNode checkout = topup.awaitEvent("checkout");
        BrowserSession.Page page = browser.open(checkout.path("checkoutUrl").asText());
        assertTrue(page.text().contains(credits + " credits"), page.toString());
        browser.press(page, "/pay");
        CliRunner.Result paid = topup.finish();
        assertEquals(0, paid.exitCode(), paid.toString());
        assertEquals("SUCCEEDED", paid.json().path("status").asText(), paid.toString());
        assertEquals(before + credits, paid.json().path("balance").asLong(), paid.toString());
        assertEquals(before + credits, ok(E2eConfig.ALICE, "--json", "balance").json().path("balance").asLong());

        CliRunner.Running declining = new CliRunner(home).start(E2eConfig.ALICE, "--json", "topup", packId, "--no-browser");
        browser.press(browser.open(declining.awaitEvent("checkout").path("checkoutUrl").asText()), "/decline");
        CliRunner.Result declined = declining.finish();
        assertEquals(7, declined.exitCode(), declined.toString());
        assertTrue(declined.err().contains("declined"), declined.err());

        CliRunner.Result waited = sc(E2eConfig.ALICE, null, "topup", packId, "--no-browser", "--timeout", "1");
        assertEquals(7, waited.exitCode(), waited.toString());
        java.util.regex.Matcher resume = java.util.regex.Pattern.compile("sc topup --payment (\\S+)'").matcher(waited.err());
        assertTrue(resume.find(), waited.err());
        String paymentId = resume.group(1);
        // A forged completion (right shape, no valid signature) is refused and credits nothing (docs/payment.md;
        // payment-service's WebhookTest covers every variant).
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> forged = Http.postJson(SdkDevice.url("payment-service") + "/webhooks/sandbox",
                Map.of("Content-Type", "application/json", "Stripe-Signature", "t=" + now + ",v1=" + "00".repeat(32)),
                "{\"id\":\"evt_forged_" + UUID.randomUUID() + "\",\"type\":\"checkout.session.completed\",\"data\":{\"object\":"
                        + "{\"client_reference_id\":\"" + paymentId + "\",\"payment_status\":\"paid\"}}}");
        assertEquals(400, forged.statusCode(), forged.body());
        CliRunner.Result stillOpen = sc(E2eConfig.ALICE, null, "--json", "topup", "--payment", paymentId, "--timeout", "1");
        assertEquals(7, stillOpen.exitCode(), stillOpen.toString());
        assertEquals(before + credits, ok(E2eConfig.ALICE, "--json", "balance").json().path("balance").asLong(),
                "neither the decline nor the forgery credited anything");
        // The person pays that checkout later; resuming shows the credits, booked once.
        browser.press(browser.open(SdkDevice.url("payment-service") + "/sandbox/checkout/" + paymentId), "/pay");
        CliRunner.Result resumed = sc(E2eConfig.ALICE, null, "--json", "topup", "--payment", paymentId);
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertEquals(before + 2 * credits, resumed.json().path("balance").asLong(), resumed.toString());
    }

    @AfterAll
    static void removeTheDevices() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String[] r : registered) {
            E2eConfig.TestUser user = r[2].equals(E2eConfig.ALICE.username()) ? E2eConfig.ALICE : E2eConfig.BOB;
            http.send(HttpRequest.newBuilder(URI.create(SdkDevice.url("identity-service") + "/v1/accounts/" + r[0]
                            + "/devices/" + r[1])).header("Authorization", "Bearer " + Keycloak.accessToken(user)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private static boolean sleep() {
        SdkDevice.sleep(500);
        return true;
    }

    private static String adminToken() {
        return Keycloak.accessToken(E2eConfig.ADMIN);
    }

    private static long walletBalance(String account) {
        return Http.json(Http.get(SdkDevice.url("wallet-service") + "/wallets/" + account, adminToken())).path("balance").asLong();
    }

    private static void setBalance(String account, long target) {
        long current = walletBalance(account);
        if (current != target) {
            adjust(account, target - current);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (walletBalance(account) != target && System.nanoTime() < deadline) {
            SdkDevice.sleep(200);
        }
        assertEquals(target, walletBalance(account));
    }

    private static void awaitCliBalance(E2eConfig.TestUser user, long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long seen;
        do {
            seen = ok(user, "--json", "balance").json().path("balance").asLong();
        } while (seen != expected && System.nanoTime() < deadline && sleep());
        assertEquals(expected, seen);
    }

    private static void adjust(String account, long credits) {
        HttpResponse<String> response = Http.postJson(SdkDevice.url("wallet-service") + "/admin/wallets/" + account + "/adjustments",
                Map.of("Authorization", "Bearer " + adminToken(), "Content-Type", "application/json",
                        "Idempotency-Key", UUID.randomUUID().toString()),
                "{\"credits\":" + credits + ",\"reason\":\"e2e CliIT\"}");
        assertEquals(201, response.statusCode(), response.body());
    }
}
