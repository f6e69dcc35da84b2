package net.secureconnect.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sc --help} as a product page: the commands in groups, one line each, today's prices, examples, exit
 * codes. Each subcommand's own {@code --help} stays picocli's. {@code HelpTest} checks that every command is listed.
 */
final class Help {

    /** Group → command synopsis → one line. Every subcommand appears exactly once. */
    static final Map<String, Map<String, String>> GROUPS = new LinkedHashMap<>();

    static {
        group("Start",
                "login", "sign in: approve on your phone or any browser (or -u <user>: password and code here)",
                "register-device", "make this profile a device of your account and publish its keys",
                "topup [<pack>]", "buy credits: checkout in the browser, waits for them; no pack: packs and prices",
                "logout", "forget this profile's tokens (keys and messages stay)");
        group("Messages",
                "send <user> <text>", "send an end-to-end-encrypted message (costs a message)",
                "send-file <user> <path>", "encrypt and send a file (costs a file)",
                "listen [--for <s>]", "print messages as they arrive, first those that came while away",
                "history [<user>]", "the stored messages, oldest first",
                "fetch-file <message-id>", "download and decrypt the file(s) of a message");
        group("Trust",
                "safety-number <user>", "60 digits (and QR text) to compare with theirs in person",
                "verify <user> <digits>", "mark them VERIFIED when the digits they read out match",
                "trust <user>", "accept a changed key or new device of theirs, after comparing",
                "devices [remove <id>]", "your account's devices with key fingerprints; remove one");
        group("Wallet",
                "balance", "credits left",
                "ledger [--limit <n>]", "what was credited and charged, newest first");
    }

    private static void group(String name, String... pairs) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            lines.put(pairs[i], pairs[i + 1]);
        }
        GROUPS.put(name, lines);
    }

    static final String EXAMPLES = """
            Examples:
              sc --profile alice login                  # open the address shown, enter the code, approve
              sc --profile alice register-device --claim-username alice
              sc --profile alice topup small            # pay in the browser; prints the new balance
              sc --profile alice send bob 'hello bob'
              sc --profile bob listen --for 10
              sc --profile alice safety-number bob      # compare with bob's screen, then: sc verify bob <digits>
            """;

    static final String FOOTER = """
            Each command: sc <command> --help.  Profiles live in $SC_HOME (default ~/.secureconnect).
            Exit codes: 0 done, 2 usage, 3 login needed or refused, 4 not enough credits (sc topup),
            5 network or server, 6 refused for trust (a key changed: sc safety-number, sc trust), 7 payment not completed.
            """;

    private Help() {
    }

    /** The command names in {@link #GROUPS} (first word of each synopsis). */
    static List<String> listedCommands() {
        List<String> names = new ArrayList<>();
        GROUPS.values().forEach(g -> g.keySet().forEach(k -> names.add(k.split(" ")[0])));
        return names;
    }

    static void install(CommandLine cli, CliEnvironment env) {
        // Only the root command's usage spec: the subcommands keep picocli's layout (parameters, options).
        UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
        sections.put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, help -> "Usage: sc [--profile <name>] [--json] <command> [<args>]\n\n");
        sections.put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING, help -> "");
        sections.put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> commands());
        sections.put("prices", help -> prices(env) + "\n");
        sections.put("examples", help -> EXAMPLES + "\n");
        sections.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "Options:\n");
        sections.put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> "\n" + FOOTER + "\n");
        usage.sectionMap(sections);
        usage.sectionKeys(List.of(UsageMessageSpec.SECTION_KEY_SYNOPSIS, UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                UsageMessageSpec.SECTION_KEY_COMMAND_LIST, "prices", "examples",
                UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                UsageMessageSpec.SECTION_KEY_FOOTER));
    }

    static String commands() {
        StringBuilder text = new StringBuilder("\n");
        GROUPS.forEach((group, lines) -> {
            text.append(group).append('\n');
            lines.forEach((synopsis, line) -> text.append(String.format("  %-26s %s%n", synopsis, line)));
        });
        return text.append('\n').toString();
    }

    /**
     * Today's prices from the wallet's public {@code GET /pricing} (one quick try; help must not hang when the
     * servers are away), else where to find them.
     */
    static String prices(CliEnvironment env) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(env.wallet().resolve("pricing"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                List<String> parts = new ArrayList<>();
                SecureConnectCli.JSON.readTree(response.body()).path("prices").fields().forEachRemaining(e ->
                        parts.add(SecureConnectCli.kindName(e.getKey()) + " " + e.getValue().asLong() + " credit"
                                + (e.getValue().asLong() == 1 ? "" : "s")));
                if (!parts.isEmpty()) {
                    return "Prices now: " + String.join(", ", parts) + ". Packs of credits: sc topup\n";
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // servers not reachable: say where prices are shown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "Prices: 'sc topup' lists the packs and what a message, a file and a call minute cost\n";
    }
}
