package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web client's browser tests (clients/web/browser-tests, node:test + playwright-core driving Debian's
 * Chromium) against this stage's stack, which serves the built app at http://127.0.0.1:5173. They run here
 * rather than in clients/web so that one stack serves every end-to-end test. Output goes to
 * e2e/target/web-browser-tests.log; screenshots to clients/web/browser-tests/out/.
 */
class WebClientIT {

    private static final Path WEB = Path.of(System.getProperty("user.dir")).resolve("../clients/web").normalize();

    @Test
    void browserTestsPassInChromium() throws Exception {
        assertTrue(Files.isRegularFile(WEB.resolve("browser-tests/run.mjs")), "no browser tests at " + WEB);
        Path log = Path.of("target", "web-browser-tests.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder("node", "browser-tests/run.mjs")
                .directory(WEB.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = p.waitFor(15, TimeUnit.MINUTES);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertTrue(done, "browser tests still running after 15 minutes; log " + log);
        assertEquals(0, p.exitValue(), "browser tests failed (log " + log + "):" + File.separator + tail(output));
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
    }
}
