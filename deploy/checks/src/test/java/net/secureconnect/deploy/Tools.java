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

    /**
     * The tool on the PATH (or in /usr/sbin, /sbin, where Debian puts nginx and which a CI PATH may lack), as the
     * path to run; installs its Debian package first when it is missing and we are root.
     */
    static synchronized String require(String tool, String debianPackage) {
        String found = locate(tool);
        if (found != null) {
            return found;
        }
        if ("root".equals(System.getProperty("user.name")) && debianPackage != null) {
            Result update = run(ROOT, List.of("apt-get", "update", "-qq"), 600);
            Result install = run(ROOT, List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", debianPackage), 900);
            if (install.exitCode() == 0 && locate(tool) != null) {
                return locate(tool);
            }
            throw new AssertionError("could not install " + debianPackage + " (apt-get update: " + update.exitCode()
                    + "):\n" + install.out());
        }
        throw new AssertionError(tool + " is not on the PATH. Install it: " + (debianPackage == null
                ? "kubectl 1.27 or newer (built-in kustomize v5; Debian's kubernetes-client is too old), see"
                  + " https://kubernetes.io/docs/tasks/tools/ — or skip this module with -pl '!deploy/checks'"
                : "sudo apt-get install " + debianPackage));
    }

    /** The oldest kubectl whose built-in kustomize (v5) renders deploy/k8s (labels, replacements, components). */
    static final int KUBECTL_MIN_MINOR = 27;
    private static String kubectl;

    /** kubectl on the PATH, 1.27 or newer; otherwise an error that says what is there and what to install. */
    static synchronized String kubectl() {
        if (kubectl == null) {
            String tool = require("kubectl", null);
            Result version = run(ROOT, List.of(tool, "version", "--client", "-o", "json"), 60);
            checkKubectlVersion(version.exitCode(), version.out());
            kubectl = tool;
        }
        return kubectl;
    }

    /** Fails unless {@code kubectl version --client -o json} answered with 1.27 or newer. */
    static void checkKubectlVersion(int exitCode, String versionJson) {
        java.util.regex.Matcher major = java.util.regex.Pattern.compile("\"major\"\\s*:\\s*\"(\\d+)").matcher(versionJson);
        java.util.regex.Matcher minor = java.util.regex.Pattern.compile("\"minor\"\\s*:\\s*\"(\\d+)").matcher(versionJson);
        String install = "deploy/checks needs kubectl 1." + KUBECTL_MIN_MINOR + " or newer (its built-in kustomize v5 renders"
                + " deploy/k8s; Debian's kubernetes-client is too old): https://kubernetes.io/docs/tasks/tools/ — or skip this"
                + " module with -pl '!deploy/checks'";
        if (exitCode != 0 || !major.find() || !minor.find()) {
            throw new AssertionError("could not read kubectl's version (exit " + exitCode + "): " + versionJson.strip()
                    + "\n" + install);
        }
        int maj = Integer.parseInt(major.group(1));
        int min = Integer.parseInt(minor.group(1));
        if (maj < 1 || (maj == 1 && min < KUBECTL_MIN_MINOR)) {
            throw new AssertionError("kubectl on the PATH is " + maj + "." + min + ". " + install);
        }
    }

    static boolean onPath(String tool) {
        return locate(tool) != null;
    }

    static String locate(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        return null;
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
