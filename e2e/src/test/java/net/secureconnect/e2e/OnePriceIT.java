package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.secureconnect.sdk.messaging.StoredMessage;
import net.secureconnect.sdk.protocol.MessageContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 §3, one message, one price, through the stack: with 1, 2 and 6 devices per side, one send through the
 * SDK and one {@code sc send} through the CLI cost the sender exactly the MESSAGE price once, although every
 * device of the recipient and every other device of the sender gets it; a note to self costs it once too.
 * (Before, the copy for the sender's own devices was a second, separately charged envelope.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnePriceIT {

    private static final String ALICE_NAME = E2eConfig.prop("cli.alice-username", "e2e_alice");
    private static final String BOB_NAME = E2eConfig.prop("cli.bob-username", "e2e_bob");
    private static final Duration ARRIVAL_DEADLINE = Duration.ofSeconds(90);

    @TempDir
    static Path profiles;
    @TempDir
    static Path cliHome;

    private static final List<SdkDevice> alice = new ArrayList<>();
    private static final List<SdkDevice> bob = new ArrayList<>();
    private static final List<String[]> cliDevices = new ArrayList<>(); // {accountId, deviceId, user}
    private static long price;

    @AfterAll
    static void removeTheDevices() throws Exception {
        for (SdkDevice device : alice) {
            device.close();
        }
        for (SdkDevice device : bob) {
            device.close();
        }
        for (String[] r : cliDevices) {
            E2eConfig.TestUser user = r[2].equals(E2eConfig.ALICE.username()) ? E2eConfig.ALICE : E2eConfig.BOB;
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(
                            SdkDevice.url("identity-service") + "/v1/accounts/" + r[0] + "/devices/" + r[1]))
                            .header("Authorization", "Bearer " + Keycloak.accessToken(user)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private static CliRunner.Result sc(E2eConfig.TestUser user, String totp, String... args) {
        return new CliRunner(cliHome).sc(user, totp, args);
    }

    private static CliRunner.Result ok(E2eConfig.TestUser user, String... args) {
        return new CliRunner(cliHome).ok(user, args);
    }

    @Test
    @Order(1)
    void oneSdkSendCostsOnePriceWithOneTwoAndSixDevicesPerSide() {
        price = Http.json(Http.get(SdkDevice.url("wallet-service") + "/pricing")).path("prices").path("MESSAGE").asLong();
        assertTrue(price > 0, "MESSAGE price");
        alice.add(new SdkDevice(E2eConfig.ALICE, profiles)); // removes the accounts' earlier devices
        bob.add(new SdkDevice(E2eConfig.BOB, profiles));
        String aliceAccount = alice.get(0).accountId;
        String bobAccount = bob.get(0).accountId;
        setBalance(aliceAccount, 100);
        for (int devices : new int[]{1, 2, 6}) {
            grow(alice, devices, "alice");
            grow(bob, devices, "bob");
            SdkDevice sender = alice.get(0);
            long before = walletBalance(aliceAccount);
            List<String> texts = List.of("sdk " + devices + " a", "sdk " + devices + " b", "sdk " + devices + " c");
            sendRetryingUntilTheRelaySeesTheCredits(sender, bobAccount, texts.get(0));
            for (String text : texts.subList(1, texts.size())) {
                sender.messenger.send(bobAccount, MessageContent.text(text));
            }
            // New devices on either side were learnt from DEVICE_MISMATCH refusals, which cost nothing.
            assertEquals(before - texts.size() * price, awaitBalance(aliceAccount, before - texts.size() * price),
                    devices + " devices per side: one price per send");
            for (SdkDevice reader : bob) {
                assertTrue(awaitTexts(reader, aliceAccount, false).containsAll(texts), "bob's device " + reader.deviceId);
            }
            for (SdkDevice own : alice.subList(1, alice.size())) {
                assertTrue(awaitTexts(own, aliceAccount, true).containsAll(texts),
                        "alice's other device " + own.deviceId + " shows the copy as sent");
            }
            if (devices > 1) {
                long beforeNote = walletBalance(aliceAccount);
                String note = "note to self " + devices;
                sender.messenger.send(aliceAccount, MessageContent.text(note));
                assertEquals(beforeNote - price, awaitBalance(aliceAccount, beforeNote - price), "a note to self: once");
                for (SdkDevice own : alice.subList(1, alice.size())) {
                    assertTrue(awaitTexts(own, aliceAccount, true).contains(note));
                }
            }
        }
        // Exactly the expected charges: 3 sends per round, 2 notes; nothing else moved the balance.
        assertEquals(100 - 11 * price, walletBalance(aliceAccount));
    }

    /** Alice sends with the CLI while her (and Bob's) SDK devices listen: 6, then 2, then 1 device per side. */
    @Test
    @Order(2)
    void oneCliSendCostsOnePriceWithSixTwoAndOneDevicesPerSide() {
        assertEquals(6, alice.size(), "the SDK test left six devices per side");
        String aliceAccount = alice.get(0).accountId;
        // The CLI's device is one of Alice's six.
        alice.remove(alice.size() - 1).close();
        CliRunner.Result login = sc(E2eConfig.ALICE, Keycloak.freshTotp(E2eConfig.ALICE), "--json", "login", "-u",
                E2eConfig.ALICE.username());
        if (login.exitCode() != 0) { // that code's time step was used by another test of this JVM
            login = sc(E2eConfig.ALICE, Keycloak.freshTotp(E2eConfig.ALICE), "--json", "login", "-u",
                    E2eConfig.ALICE.username());
        }
        assertEquals(0, login.exitCode(), login.toString());
        var reg = ok(E2eConfig.ALICE, "--json", "register-device", "--claim-username", ALICE_NAME).json();
        cliDevices.add(new String[] {reg.path("accountId").asText(), reg.path("deviceId").asText(),
                E2eConfig.ALICE.username()});
        // The listener's first connection also proves the relay knows the CLI's new device.
        ok(E2eConfig.ALICE, "listen", "--for", "3");
        // `sc send e2e_bob` resolves Bob's username: claimed through the SDK (idempotent for his account).
        SdkDevice bob0 = bob.get(0);
        if (!isClaimedBy(bob0, BOB_NAME)) {
            bob0.identity.claimUsername(bob0.accountId, BOB_NAME);
        }

        setBalance(aliceAccount, 50);
        int round = 0;
        for (int devices : new int[]{6, 2, 1}) {
            while (alice.size() > devices - 1) {
                alice.remove(alice.size() - 1).close();
            }
            while (bob.size() > devices) {
                bob.remove(bob.size() - 1).close();
            }
            long before = walletBalance(aliceAccount);
            String text = "cli " + devices + " " + UUID.randomUUID();
            // The CLI learns removed devices from DEVICE_MISMATCH (free) and resends.
            cliSendRetryingUntilTheRelaySeesTheCredits(BOB_NAME, text);
            assertEquals(before - price, awaitBalance(aliceAccount, before - price), devices + " per side: once");
            for (SdkDevice reader : bob) {
                assertTrue(awaitTexts(reader, aliceAccount, false).contains(text), "bob's device " + reader.deviceId);
            }
            for (SdkDevice own : alice) {
                assertTrue(awaitTexts(own, aliceAccount, true).contains(text), "copy on " + own.deviceId);
            }
            if (devices > 1) {
                long beforeNote = walletBalance(aliceAccount);
                ok(E2eConfig.ALICE, "--json", "send", ALICE_NAME, "cli note " + devices);
                assertEquals(beforeNote - price, awaitBalance(aliceAccount, beforeNote - price), "a note to self: once");
                for (SdkDevice own : alice) {
                    assertTrue(awaitTexts(own, aliceAccount, true).contains("cli note " + devices));
                }
            }
            round++;
        }
        assertEquals(3, round);
        assertEquals(50 - 5 * price, walletBalance(aliceAccount), "3 sends and 2 notes, nothing else");
    }

    // ---- helpers ----

    /** Adds devices to the account of {@code devices.get(0)} until it has {@code count}, all online. */
    private static void grow(List<SdkDevice> devices, int count, String name) {
        while (devices.size() < count) {
            devices.add(new SdkDevice(devices.get(0), profiles, name + "-" + devices.size()));
        }
        for (SdkDevice device : devices) {
            if (!device.online()) {
                device.goOnline();
            }
        }
        assertEquals(count, devices.get(0).devices().size());
    }

    /** The texts {@code reader} has stored from {@code peer} (incoming, or outgoing copies), once they stop changing. */
    private static List<String> awaitTexts(SdkDevice reader, String peer, boolean outgoing) {
        long deadline = System.nanoTime() + ARRIVAL_DEADLINE.toNanos();
        List<String> last = texts(reader, peer, outgoing);
        while (System.nanoTime() < deadline) {
            SdkDevice.sleep(500);
            List<String> now = texts(reader, peer, outgoing);
            if (now.equals(last) && !now.isEmpty()) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static List<String> texts(SdkDevice reader, String peer, boolean outgoing) {
        return reader.messenger.history(peer).stream().filter(m -> m.outgoing() == outgoing)
                .map(StoredMessage::text).toList();
    }

    private static String adminToken() {
        return Keycloak.accessToken(E2eConfig.ADMIN);
    }

    private static long walletBalance(String account) {
        return Http.json(Http.get(SdkDevice.url("wallet-service") + "/wallets/" + account, adminToken())).path("balance").asLong();
    }

    private static long awaitBalance(String account, long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long seen = walletBalance(account);
        while (seen != expected && System.nanoTime() < deadline) {
            SdkDevice.sleep(200);
            seen = walletBalance(account);
        }
        // No second charge lands after the first: the balance stays.
        SdkDevice.sleep(1500);
        return walletBalance(account);
    }

    private static void setBalance(String account, long target) {
        long current = walletBalance(account);
        if (current != target) {
            HttpResponse<String> response = Http.postJson(SdkDevice.url("wallet-service") + "/admin/wallets/" + account
                            + "/adjustments",
                    Map.of("Authorization", "Bearer " + adminToken(), "Content-Type", "application/json",
                            "Idempotency-Key", UUID.randomUUID().toString()),
                    "{\"credits\":" + (target - current) + ",\"reason\":\"e2e OnePriceIT\"}");
            assertEquals(201, response.statusCode(), response.body());
        }
        assertEquals(target, awaitBalance(account, target));
    }

    private static boolean isClaimedBy(SdkDevice device, String username) {
        try {
            return device.accountId.equals(device.identity.lookupUsername(username));
        } catch (RuntimeException notClaimed) {
            return false;
        }
    }

    /** After a top-up the relay may still hold the account's suspension for a moment: retried, not charged. */
    private static void sendRetryingUntilTheRelaySeesTheCredits(SdkDevice from, String to, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                from.messenger.send(to, MessageContent.text(text));
                return;
            } catch (net.secureconnect.sdk.relay.RelayException.InsufficientCreditsException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                SdkDevice.sleep(500);
            }
        }
    }

    private static void cliSendRetryingUntilTheRelaySeesTheCredits(String to, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        CliRunner.Result sent;
        do {
            sent = sc(E2eConfig.ALICE, null, "--json", "send", to, text);
        } while (sent.exitCode() == 4 && System.nanoTime() < deadline && sleep());
        assertEquals(0, sent.exitCode(), sent.toString());
    }

    private static boolean sleep() {
        SdkDevice.sleep(500);
        return true;
    }
}
