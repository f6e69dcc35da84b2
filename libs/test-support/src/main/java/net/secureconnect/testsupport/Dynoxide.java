package net.secureconnect.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** dynoxide (a DynamoDB-API engine on SQLite) as a child process on a free loopback port, in memory. */
public final class Dynoxide {

    static final String KEY = "secureconnect-test.dynamodb.endpoint";

    private Dynoxide() {
    }

    /** Endpoint of the JVM's shared dynoxide, started on first use. */
    public static String endpoint() {
        return SharedServers.getOrStart(KEY, Dynoxide::start);
    }

    private static String start() {
        int port = LocalTools.freePort();
        Path log = logDir().resolve("dynoxide-" + port + ".log");
        Process process = ChildProcesses.start("dynoxide", List.of(LocalTools.dynoxide().toString(), "serve",
                "--host", "127.0.0.1", "--port", String.valueOf(port)), log);
        LocalTools.awaitPort(port, Duration.ofSeconds(20), process, log);
        return "http://127.0.0.1:" + port;
    }

    static Path logDir() {
        Path dir = Path.of(System.getProperty("user.dir"), "target", "test-servers");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return dir;
    }
}
