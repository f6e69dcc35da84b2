package net.secureconnect.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the checkout's tools are (dynoxide from npm, s3proxy from Maven Central) and small helpers
 * for processes on loopback.
 */
public final class LocalTools {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private LocalTools() {
    }

    /** The root of the checkout: the first folder upwards that holds {@code .mvn/}. */
    public static Path root() {
        String configured = System.getProperty("secureconnect-test.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".mvn"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the checkout root (a folder with .mvn/) above " + dir);
    }

    /** The dynoxide binary, installed with {@code npm ci} from the pinned lockfile when missing. */
    public static Path dynoxide() {
        Path packageDir = root().resolve("tools/dynoxide");
        Path binary = packageDir.resolve("node_modules/@dynoxide/linux-x64/dynoxide");
        if (!Files.isExecutable(binary)) {
            run(packageDir, Duration.ofMinutes(5), "npm", "ci", "--no-audit", "--no-fund");
        }
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("dynoxide is not installed at " + binary
                    + "; run 'npm ci' in tools/dynoxide (needs Node 20 and the npm registry)");
        }
        return binary;
    }

    /** The s3proxy jar, copied into .tools/ by the test-support build. */
    public static Path s3proxyJar() {
        String tools = System.getProperty("secureconnect-test.tools");
        Path toolsDir = tools != null && !tools.isBlank() ? Path.of(tools) : root().resolve(".tools");
        Path jar = toolsDir.resolve("s3proxy/s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("s3proxy is missing at " + jar
                    + "; run './mvnw -pl libs/test-support generate-resources' to fetch it");
        }
        return jar;
    }

    /** The java launcher of the running JVM, so child JVMs use the same Java. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port nobody listens on right now, on loopback. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, LOOPBACK)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Waits until something accepts connections on the port, or fails with the process's log tail. */
    public static void awaitPort(int port, Duration timeout, Process process, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited with " + process.exitValue() + ": " + tail(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port + " after " + timeout + ": " + tail(log));
    }

    static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void run(Path dir, Duration timeout, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out in " + dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + " in " + dir
                    + " (is Node/npm installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
