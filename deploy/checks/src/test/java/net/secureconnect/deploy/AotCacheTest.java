package net.secureconnect.deploy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/local/aot-cache, which decides for deploy/local/stack whether a service starts from its AOT cache or records
 * a new one (deploy/local/README.md, "AOT cache"), run against a real JDK 25 and a real (tiny) application jar: the
 * cache is used only for the build, JDK and flags it was recorded with; a stale, cut-short or foreign cache is
 * recorded anew; and a cache the JVM cannot use never stops the application from starting.
 */
class AotCacheTest {

    private static final Path SCRIPT = Tools.ROOT.resolve("deploy/local/aot-cache");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final List<String> FLAGS = List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders");

    @TempDir
    Path tmp;
    Path app;
    Path cache;

    private record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void application() throws IOException {
        app = Files.createDirectories(tmp.resolve("quarkus-app"));
        cache = tmp.resolve("app.aot");
        writeJar("first build");
    }

    @Test
    void theFirstStartRecordsAndTheNextOneOfTheSameBuildUsesTheCache() throws Exception {
        Result first = decide(FLAGS);
        assertEquals("-XX:AOTCacheOutput=" + cache, first.out().strip(), first.err());
        assertTrue(Files.exists(Path.of(cache + ".key")), "the key is written with the decision to record");
        assertRuns(first.out().strip());
        assertTrue(Files.size(cache) > 0, "the JVM wrote the cache when the recording run exited");

        Result second = decide(FLAGS);
        assertEquals("-XX:AOTCache=" + cache, second.out().strip(), second.err());
        Result run = java(FLAGS, second.out().strip(), "-Xlog:aot=info");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("started: first build"), run.out());
        assertTrue(run.out().contains("Opened AOT cache"), "the JVM mapped the cache: " + run.out());
    }

    /**
     * The key, not the JVM, must catch a new build: JDK 25.0.3 maps a cache recorded with an older jar at the same path
     * without a warning and runs the OLD classes from it (seen here with a one-class jar whose size and time changed).
     */
    @Test
    void aNewBuildOrOtherFlagsRecordAnew() throws Exception {
        assertRuns(decide(FLAGS).out().strip());

        // Other JVM flags (compact object headers off): the layout of the cached objects differs.
        List<String> otherFlags = List.of("-Xmx64m", "-XX:+UseSerialGC");
        assertEquals("-XX:AOTCacheOutput=" + cache, decide(otherFlags).out().strip());
        assertFalse(Files.exists(cache), "the stale cache is deleted");

        // A new build of the application (another jar): recorded anew.
        assertRuns(decide(FLAGS).out().strip());
        writeJar("second build, a different size");
        Result decision = decide(FLAGS);
        assertEquals("-XX:AOTCacheOutput=" + cache, decision.out().strip(), decision.err());
        assertFalse(Files.exists(cache), "the cache of the first build is deleted");
        Result run = java(FLAGS, decision.out().strip());
        assertTrue(run.out().contains("started: second build"), run.out());
        Result next = decide(FLAGS);
        assertEquals("-XX:AOTCache=" + cache, next.out().strip(), "the second build's own cache is used: " + next.err());
        run = java(FLAGS, next.out().strip());
        assertTrue(run.out().contains("started: second build"), "the new code runs from the new cache: " + run.out());
    }

    @Test
    void aCacheCutShortWhileBeingWrittenIsRecordedAnewAndDoesNotBreakAStart() throws Exception {
        assertRuns(decide(FLAGS).out().strip());
        // A KILL during the write at exit: the key matches, the file is half there.
        byte[] whole = Files.readAllBytes(cache);
        Files.write(cache, java.util.Arrays.copyOf(whole, whole.length / 3));

        Result run = java(FLAGS, "-XX:AOTCache=" + cache);
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("started: first build"), run.out());

        Result decision = decide(FLAGS);
        assertEquals("-XX:AOTCacheOutput=" + cache, decision.out().strip(), decision.err());
        assertTrue(decision.err().contains("stale or unusable"), decision.err());
        assertFalse(Files.exists(cache));
    }

    @Test
    void theStackAsksTheScriptAndNeverForcesTheCache() throws IOException {
        String stack = Files.readString(Tools.ROOT.resolve("deploy/local/stack"));
        assertTrue(stack.contains("\"$ROOT/deploy/local/aot-cache\" \"$JAVA\" \"$dir/quarkus-app\" \"$dir/app.aot\" \"${jvm_flags[@]}\""),
                "start_service asks deploy/local/aot-cache with the flags the service runs with");
        assertTrue(stack.contains("\"$JAVA\" \"${jvm_flags[@]}\" ${aot_flag:+\"$aot_flag\"} -jar"),
                "and starts the service with those flags and its answer");
        assertFalse(stack.contains("AOTMode=on"), "a service never runs with -XX:AOTMode=on (an unusable cache would stop it)");
        assertTrue(stack.contains("grep -q -- '-XX:AOTCacheOutput='") && stack.contains("limit=$(( AOT_WRITE_TIMEOUT"),
                "`down` gives a recording service the time to write its cache");
        // The e2e stage runs a fresh build once: recording would only cost CI time (docs/benchmarks.md, "AOT cache").
        String e2e = Files.readString(Tools.ROOT.resolve("e2e/pom.xml"));
        assertEquals(2, e2e.split("<SERVICE_AOT_CACHE>off</SERVICE_AOT_CACHE>", -1).length - 1,
                "the stage's `stack up` and DependencyOutageIT's run without the AOT cache");
    }

    private void assertRuns(String aotFlag) throws Exception {
        Result run = java(FLAGS, aotFlag);
        assertEquals(0, run.exit(), run.err());
    }

    private Result decide(List<String> flags) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), JAVA, app.toString(), cache.toString()));
        command.addAll(flags);
        return exec(command);
    }

    private Result java(List<String> flags, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(flags);
        command.addAll(List.of(extra));
        command.addAll(List.of("-jar", app.resolve("quarkus-run.jar").toString()));
        return exec(command);
    }

    private Result exec(List<String> command) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A one-class application jar whose main prints which build it is (its size changes with the text). */
    private void writeJar(String build) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path classes = Files.createDirectories(tmp.resolve("classes-" + build.length()));
        Files.writeString(src.resolve("Main.java"),
                "public class Main { public static void main(String[] a) { System.out.println(\"started: " + build + "\"); } }");
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.resolve("Main.java").toString());
        assertEquals(0, rc, "javac");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Main");
        try (OutputStream file = Files.newOutputStream(app.resolve("quarkus-run.jar"));
             JarOutputStream jar = new JarOutputStream(file, manifest)) {
            jar.putNextEntry(new JarEntry("Main.class"));
            jar.write(Files.readAllBytes(classes.resolve("Main.class")));
            jar.closeEntry();
        }
    }
}
