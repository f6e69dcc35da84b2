package net.secureconnect.wallet.support;

import net.secureconnect.testsupport.Dynoxide;
import net.secureconnect.testsupport.KafkaBroker;
import net.secureconnect.testsupport.LocalTools;
import net.secureconnect.testsupport.TestTokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged wallet-service ({@code target/quarkus-app/quarkus-run.jar}) as a child process against the test
 * JVM's Kafka broker and dynoxide, so a test can kill it like a crash would ({@code kill -9}) and start it again.
 */
public final class WalletProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static int launches;

    private final Map<String, String> settings;
    private final int port;
    private final Path log;
    private Process process;

    private WalletProcess(Map<String, String> settings, int port, Path log) {
        this.settings = settings;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the service with the shared test settings plus {@code extra} ({@code key=value} system properties)
     * and waits until it reports ready.
     */
    public static synchronized WalletProcess start(Map<String, String> extra) {
        KafkaConsumerGroups.enable();
        Map<String, String> settings = new TreeMap<>();
        settings.put("kafka.bootstrap.servers", KafkaBroker.bootstrapServers());
        settings.put("quarkus.dynamodb.endpoint-override", Dynoxide.endpoint());
        settings.put("quarkus.dynamodb.aws.credentials.static-provider.access-key-id", "test");
        settings.put("quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", "test");
        settings.put("quarkus.oidc.auth-server-url", "");
        settings.put("quarkus.oidc.public-key", TestTokens.publicKeyBase64());
        settings.put("quarkus.oidc.token.issuer", TestTokens.ISSUER);
        // A restarted instance takes its partitions over at once instead of waiting for the dead one's session to end.
        settings.put("kafka.group.instance.id", "wallet-it");
        settings.put("kafka.session.timeout.ms", "10000");
        settings.put("quarkus.log.category.\"org.apache.kafka\".level", "WARN");
        settings.putAll(extra);
        int port = LocalTools.freePort();
        settings.put("quarkus.http.port", Integer.toString(port));
        Path log = Path.of(System.getProperty("user.dir"), "target", "it-wallet-" + (++launches) + ".log");
        WalletProcess wallet = new WalletProcess(settings, port, log);
        wallet.launch();
        return wallet;
    }

    private void launch() {
        Path app = Path.of(System.getProperty("wallet.it.app", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(app)) {
            throw new IllegalStateException(app + " missing: run the package phase first (mvn verify)");
        }
        List<String> command = new ArrayList<>();
        command.add(LocalTools.javaExecutable());
        command.add("-Xmx512m");
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(app.toString());
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start wallet-service: " + e.getMessage(), e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "stop-wallet-it"));
        Awaits.until(() -> {
            if (!started.isAlive()) {
                throw new IllegalStateException("wallet-service exited: see " + log);
            }
            return ready();
        // Generous: on a shared 2-core machine under load a cold start has taken over 70 s.
        }, Duration.ofSeconds(300), () -> "wallet-service not ready, see " + log);
    }

    private boolean ready() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url("/q/health/ready")))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGKILL: no shutdown hook, no consumer close, no producer flush — what a crash leaves behind. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: Quarkus shuts down, the consumer leaves its group. */
    public void stop() {
        process.destroy();
        waitForExit();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
