package net.secureconnect.testsupport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Starts servers (dynoxide, s3proxy) as child processes that never outlive the tests: a shutdown hook
 * stops them when the JVM ends, and a pid file per child lets the next run reap those left behind by a
 * run that was killed hard (SIGKILL skips shutdown hooks).
 */
public final class ChildProcesses {

    private ChildProcesses() {
    }

    static Path pidDir() {
        return LocalTools.root().resolve(".tools/test-pids");
    }

    /** Starts the command with output to the log and registers it for clean-up. */
    public static Process start(String name, List<String> command, Path log) {
        reapOrphans();
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Path pidFile = pidDir().resolve(name + "-" + process.pid() + ".pid");
            Files.createDirectories(pidFile.getParent());
            // The owner's pid tells the next run whether this child is orphaned.
            Files.writeString(pidFile, process.pid() + " " + ProcessHandle.current().pid());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop(process.toHandle());
                try {
                    Files.deleteIfExists(pidFile);
                } catch (IOException ignored) {
                    // best effort on the way out
                }
            }, "stop-" + name));
            return process;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Kills children whose owning JVM is gone. */
    static synchronized void reapOrphans() {
        Path dir = pidDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pid")) {
            for (Path file : files) {
                String[] pids = Files.readString(file).trim().split(" ");
                long child = Long.parseLong(pids[0]);
                long owner = Long.parseLong(pids[1]);
                if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                ProcessHandle.of(child).ifPresent(ChildProcesses::stop);
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[test-support] could not reap orphaned test processes: " + e);
        }
    }

    static void stop(ProcessHandle process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        Optional<ProcessHandle> stopped = process.onExit().completeOnTimeout(null, 5, java.util.concurrent.TimeUnit.SECONDS)
                .thenApply(Optional::ofNullable).join();
        if (stopped.isEmpty()) {
            process.destroyForcibly();
        }
    }
}
