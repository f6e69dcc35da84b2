package net.secureconnect.testsupport;

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
 * A packaged SecureConnect service ({@code <module>/target/quarkus-app/quarkus-run.jar}) run as a child process
 * against the test JVM's Kafka broker and dynoxide, verifying tokens with the test key — so a failsafe test can
 * run several instances, kill one like a crash would ({@code kill -9}) and start it again on the same port.
 * wallet-service's test {@code WalletProcess} is this with the wallet's consumer-group settings.
 */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static int launches;

    private final String name;
    /** The java launcher: the test JVM's own unless a benchmark compares JVMs. */
    private String java = LocalTools.javaExecutable();
    private final Path jar;
    private final Map<String, String> settings;
    private final int port;
    private final int managementPort;
    /** JVM options; tests default to a small heap and quick start, a benchmark passes its own. */
    private List<String> jvmOptions = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1");
    private Path log;
    private Process process;

    private ServiceProcess(String name, Path jar, Map<String, String> settings, int port, int managementPort) {
        this.name = name;
        this.jar = jar;
        this.settings = settings;
        this.port = port;
        this.managementPort = managementPort;
    }

    /**
     * Starts {@code jar} with the shared test settings plus {@code extra} ({@code -Dkey=value}) on a free port and
     * waits until {@code /q/health/ready} answers 200 on its management port (also a free one).
     */
    public static ServiceProcess start(String name, Path jar, Map<String, String> extra) {
        return start(name, jar, extra, null);
    }

    /** As {@link #start(String, Path, Map)} with these JVM options instead of the test defaults (null: defaults). */
    public static ServiceProcess start(String name, Path jar, Map<String, String> extra, List<String> jvmOptions) {
        return start(name, LocalTools.javaExecutable(), jar, extra, jvmOptions);
    }

    /** As {@link #start(String, Path, Map, List)} on another java launcher (benchmarks comparing JDKs). */
    public static ServiceProcess start(String name, String java, Path jar, Map<String, String> extra,
                                       List<String> jvmOptions) {
        Map<String, String> settings = new TreeMap<>();
        settings.put("kafka.bootstrap.servers", KafkaBroker.bootstrapServers());
        settings.put("quarkus.dynamodb.endpoint-override", Dynoxide.endpoint());
        settings.put("quarkus.dynamodb.aws.credentials.type", "static");
        settings.put("quarkus.dynamodb.aws.credentials.static-provider.access-key-id", "test");
        settings.put("quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", "test");
        settings.put("quarkus.oidc.auth-server-url", "");
        settings.put("quarkus.oidc.public-key", TestTokens.publicKeyBase64());
        settings.put("quarkus.oidc.token.issuer", TestTokens.ISSUER);
        settings.put("quarkus.log.category.\"org.apache.kafka\".level", "WARN");
        settings.putAll(extra);
        int port = LocalTools.freePort();
        settings.put("quarkus.http.port", Integer.toString(port));
        int managementPort = LocalTools.freePort();
        settings.put("quarkus.management.port", Integer.toString(managementPort));
        ServiceProcess service = new ServiceProcess(name, jar, settings, port, managementPort);
        service.java = java;
        if (jvmOptions != null) {
            service.jvmOptions = List.copyOf(jvmOptions);
        }
        service.launch();
        return service;
    }

    private void launch() {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " missing: package the service first");
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        synchronized (ServiceProcess.class) {
            log = Path.of(System.getProperty("user.dir"), "target", "it-" + name + "-" + (++launches) + ".log");
        }
        process = ChildProcesses.start(name, command, log);
        Process started = process;
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (!ready()) {
            if (!started.isAlive()) {
                throw new IllegalStateException(name + " exited: " + LocalTools.tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready after 300 s: " + LocalTools.tail(log));
            }
            LocalTools.sleep(200);
        }
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl("/q/health/ready"))).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The management interface's port: health, metrics and OpenAPI are served there only. */
    public int managementPort() {
        return managementPort;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public Path log() {
        return log;
    }

    /** The operating system's id of the running process (for jcmd, /proc). */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** GET of a path as text; {@code /q/...} (e.g. {@code /q/metrics}) from the management port. */
    public String get(String path) {
        String target = path.startsWith("/q/") ? managementUrl(path) : url(path);
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no close — what a crash leaves behind. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: a graceful shutdown. */
    public void stop() {
        process.destroy();
        waitForExit();
    }

    /** Starts the service again with the same settings and port (after {@link #kill} or {@link #stop}). */
    public void restart() {
        if (process.isAlive()) {
            stop();
        }
        launch();
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
