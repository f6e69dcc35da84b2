package net.secureconnect.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: every JVM of the project is a Java 25 one. {@code tools/java/select-jdk} (behind ./mvnw, .ci/run,
 * deploy/local/stack and clients/cli/sc) passes over older JDKs and names what to install when there is none; every
 * Dockerfile of the repository that starts from a Java image starts from a 25 one; the local stack starts its JVMs
 * (Kafka, s3proxy, the services, Keycloak through JAVA_HOME) with the JDK select-jdk picked.
 */
class Java25Test {

    private static final Path SELECT_JDK = Tools.ROOT.resolve("tools/java/select-jdk");

    @Test
    void selectJdkPassesOverAnOlderJavaHomeAndJavaOnThePath(@TempDir Path tmp) throws Exception {
        Path jvm = tmp.resolve("jvm");
        Path jdk17 = fakeJdk(jvm.resolve("java-17-openjdk-amd64"), "17.0.15");
        Path jdk25 = fakeJdk(jvm.resolve("temurin-25-jdk-amd64"), "25.0.3");
        fakeJdk(jvm.resolve("java-21-openjdk-amd64"), "21.0.7");
        Result r = selectJdk(tmp, jdk17, jdk17, jvm);
        assertEquals(0, r.exit(), r.err());
        assertEquals(jdk25.toString(), r.out().strip());
        assertTrue(r.err().contains("is older than Java 25"), r.err());
    }

    @Test
    void selectJdkKeepsAJavaHomeOf25OrNewer(@TempDir Path tmp) throws Exception {
        Path jvm = tmp.resolve("jvm");
        fakeJdk(jvm.resolve("temurin-25-jdk-amd64"), "25.0.3");
        Path mine = fakeJdk(tmp.resolve("my-jdk-26"), "26");
        Result r = selectJdk(tmp, mine, fakeJdk(tmp.resolve("old"), "1.8.0_392"), jvm);
        assertEquals(0, r.exit(), r.err());
        assertEquals(mine.toString(), r.out().strip());
    }

    @Test
    void selectJdkStopsAndNamesWhatToInstallWhenOnlyOlderJdksExist(@TempDir Path tmp) throws Exception {
        Path jvm = tmp.resolve("jvm");
        Path jdk17 = fakeJdk(jvm.resolve("java-17-openjdk-amd64"), "17.0.15");
        fakeJdk(jvm.resolve("java-21-openjdk-amd64"), "21.0.7");
        Result r = selectJdk(tmp, null, jdk17, jvm);
        assertEquals(1, r.exit(), r.out());
        assertEquals("", r.out());
        assertTrue(r.err().contains("needs a Java 25") && r.err().contains("temurin-25-jdk")
                && r.err().contains("openjdk-25-jdk-headless"), r.err());
    }

    /** Every image built from this repository that runs a JVM (or builds a native one) is on 25. */
    @Test
    void everyDockerfileFromAJavaImageIsOn25() throws IOException {
        Pattern from = Pattern.compile("(?m)^FROM\\s+(\\S+)");
        Pattern java = Pattern.compile("(?i)openjdk|jdk|jre|temurin|mandrel|graalvm|java|corretto|zulu|liberica");
        List<String> javaImages = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Tools.ROOT)) {
            for (Path file : files.filter(p -> p.getFileName().toString().startsWith("Dockerfile")
                    && !p.getFileName().toString().endsWith(".dockerignore")
                    && Stream.of("node_modules", "target", ".git", ".tools").noneMatch(p.toString()::contains)).toList()) {
                Matcher m = from.matcher(Files.readString(file));
                while (m.find()) {
                    String image = m.group(1);
                    if (java.matcher(image).find()) {
                        javaImages.add(image);
                        assertTrue(image.matches(".*(jdk|openjdk|java|temurin)-?25\\b.*|.*:jdk-25\\b.*|.*:25[.-].*"),
                                Tools.ROOT.relativize(file) + " starts from " + image + ", not a Java 25 image");
                    }
                }
            }
        }
        // The services' JVM and native images (DockerfilesTest pins their exact bases): at least five of each.
        assertTrue(javaImages.size() >= 10, "found only " + javaImages);
    }

    /** The local stack runs every JVM it starts on the JDK select-jdk picked, never on whatever `java` is first. */
    @Test
    void theLocalStackStartsItsJvmsOnTheSelectedJdk() throws IOException {
        String stack = Files.readString(Tools.ROOT.resolve("deploy/local/stack"));
        assertTrue(stack.contains("SELECTED_JAVA_HOME=$(\"$ROOT/tools/java/select-jdk\""), "asks select-jdk");
        assertTrue(stack.contains("export JAVA_HOME=$SELECTED_JAVA_HOME"), "exports it (Keycloak's kc.sh reads JAVA_HOME)");
        assertTrue(stack.contains("JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java"));
        for (String component : List.of("kafka", "s3proxy")) {
            assertTrue(Pattern.compile("start_component " + component + " \"\\$[A-Za-z_]+\" \"\\$JAVA\"").matcher(stack).find(),
                    component + " is started with \"$JAVA\"");
        }
        // No JVM launched any other way: every `java` word in a command position is "$JAVA".
        for (String line : stack.lines().toList()) {
            String code = line.replaceFirst("#.*", "");
            assertFalse(code.matches(".*(^|[\\s;|&(])java\\s+-.*"), "a bare `java` call: " + line);
        }
    }

    private record Result(int exit, String out, String err) {
    }

    /** Runs select-jdk with this JAVA_HOME (null: unset), this `java` first on the PATH and this search dir. */
    private static Result selectJdk(Path tmp, Path javaHome, Path javaOnPath, Path searchDir) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("path-" + System.nanoTime()));
        Files.createSymbolicLink(bin.resolve("java"), javaOnPath.resolve("bin/java"));
        ProcessBuilder pb = new ProcessBuilder("sh", SELECT_JDK.toString());
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        if (javaHome != null) {
            env.put("JAVA_HOME", javaHome.toString());
        }
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("SC_JDK_SEARCH_DIRS", searchDir.toString());
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "select-jdk did not finish");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A directory that looks like a JDK to select-jdk: bin/java, bin/javac (executable) and a release file. */
    private static Path fakeJdk(Path home, String version) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        for (String tool : List.of("java", "javac")) {
            Path file = home.resolve("bin").resolve(tool);
            Files.writeString(file, "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
