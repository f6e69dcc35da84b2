package net.secureconnect.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command-line tools the checks run: kubectl (must be installed), promtool and docker-compose (Debian packages
 * {@code prometheus} and {@code docker-compose}, installed with apt-get when the build runs as root).
 */
final class Tools {

    record Result(int exitCode, String out) {
    }

    static final Path ROOT = Path.of(System.getProperty("secureconnect.root", "../..")).toAbsolutePath().normalize();

    private Tools() {
    }

    /** The tool on the PATH; installs its Debian package first when it is missing and we are root. */
    static synchronized String require(String tool, String debianPackage) {
        if (onPath(tool)) {
            return tool;
        }
        if ("root".equals(System.getProperty("user.name")) && debianPackage != null) {
            Result update = run(ROOT, List.of("apt-get", "update", "-qq"), 600);
            Result install = run(ROOT, List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", debianPackage), 900);
            if (install.exitCode() == 0 && onPath(tool)) {
                return tool;
            }
            throw new AssertionError("could not install " + debianPackage + " (apt-get update: " + update.exitCode()
                    + "):\n" + install.out());
        }
        throw new AssertionError(tool + " is not on the PATH. Install it: " + (debianPackage == null
                ? "kubectl 1.27 or newer (built-in kustomize v5; Debian's kubernetes-client is too old), see"
                  + " https://kubernetes.io/docs/tasks/tools/ — or skip this module with -pl '!deploy/checks'"
                : "sudo apt-get install " + debianPackage));
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static Result run(Path dir, List<String> command, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("deploy-check", ".out");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String runOk(Path dir, List<String> command) {
        Result r = run(dir, command, 300);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + r.exitCode() + "):\n" + r.out());
        }
        return r.out();
    }
}
