package net.secureconnect.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sc --help} lists every command once, in its group, and each command has its own --help. */
class HelpTest {

    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CliEnvironment env = new CliEnvironment(Path.of("/nonexistent"), URI.create("http://127.0.0.1:9/realms/x"),
                URI.create("http://127.0.0.1:9/"), URI.create("ws://127.0.0.1:9/"), URI.create("http://127.0.0.1:9/"),
                URI.create("http://127.0.0.1:9/"), null, null, null);
        return SecureConnectCli.run(env, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args);
    }

    @Test
    void everyCommandIsInTheGroupedHelpExactlyOnce() {
        CommandLine cli = new CommandLine(new SecureConnectCli(CliEnvironment.from(java.util.Map.of()), new PrintWriter(out)));
        List<String> listed = Help.listedCommands();
        assertEquals(new TreeSet<>(cli.getSubcommands().keySet()), new TreeSet<>(listed));
        assertEquals(listed.size(), new TreeSet<>(listed).size(), "listed once: " + listed);
    }

    @Test
    void theHelpShowsGroupsExamplesExitCodesAndWhereThePricesAre() {
        assertEquals(0, run("--help"));
        String help = out.toString();
        for (String expected : List.of("Start", "Messages", "Trust", "Wallet", "topup [<pack>]", "Examples:",
                "sc --profile alice topup small", "7 payment not completed",
                "Prices: 'sc topup' lists the packs")) { // the wallet at 127.0.0.1:9 does not answer
            assertTrue(help.contains(expected), expected + " in\n" + help);
        }
    }

    @Test
    void eachCommandHasItsOwnHelp() {
        for (String command : Help.listedCommands()) {
            out.getBuffer().setLength(0);
            assertEquals(0, run(command, "--help"), command);
            assertTrue(out.toString().startsWith("Usage: sc " + command), out.toString());
        }
    }
}
