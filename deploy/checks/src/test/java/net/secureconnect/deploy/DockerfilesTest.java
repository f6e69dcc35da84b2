package net.secureconnect.deploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The images' Dockerfiles (no Docker engine here to build them): base images, non-root user, the ports of
 * docs/conventions.md, the JVM flags, and the native build fed from the build's native-sources step.
 */
class DockerfilesTest {

    static List<String> services() {
        return Manifests.SERVICES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void jvmImage(String service) throws Exception {
        String f = Files.readString(Tools.ROOT.resolve(service + "/src/main/docker/Dockerfile.jvm"));
        assertTrue(f.contains("FROM registry.access.redhat.com/ubi9/openjdk-25-runtime:"), "Java 25 runtime base");
        assertTrue(f.contains("\nUSER 185\n"), "runs as user 185");
        assertTrue(f.contains("-XX:+UseCompactObjectHeaders"), "compact object headers");
        assertTrue(f.contains("-Dvertx.cacheDirBase=/tmp/"), "writes only under /tmp (read-only root filesystem)");
        assertExposes(service, f);
    }

    @ParameterizedTest
    @MethodSource("services")
    void nativeImage(String service) throws Exception {
        String f = Files.readString(Tools.ROOT.resolve(service + "/src/main/docker/Dockerfile.native-micro"));
        assertTrue(f.contains("FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25 AS build"), "Mandrel builder");
        assertTrue(f.contains("COPY --chown=quarkus:quarkus target/native-sources/ /code/"), "built from the build's native sources");
        assertTrue(f.contains("native-image $(cat native-image.args)"), "runs native-image with Quarkus' arguments");
        assertTrue(f.contains("FROM quay.io/quarkus/ubi9-quarkus-micro-image:"), "micro base");
        assertTrue(f.contains("\nUSER 1001\n"), "runs as user 1001");
        assertExposes(service, f);
    }

    @Test
    void everyServiceBuildRunsTheNativeBuildStepsUnlessSkipped() throws Exception {
        String pom = Files.readString(Tools.ROOT.resolve("pom.xml"));
        assertTrue(pom.contains("<id>native-sources</id>"));
        assertTrue(pom.contains("<quarkus.native.sources-only>true</quarkus.native.sources-only>"));
        assertTrue(pom.contains("<skipNativeSources>false</skipNativeSources>"), "on by default");
    }

    @Test
    void webImage() throws Exception {
        String f = Files.readString(Tools.ROOT.resolve("deploy/web/Dockerfile"));
        assertTrue(f.contains("nginx-unprivileged") && f.contains("COPY clients/web/dist/ /usr/share/nginx/html/") && f.contains("USER 101"));
        String nginx = Files.readString(Tools.ROOT.resolve("deploy/web/nginx.conf"));
        assertTrue(nginx.contains("pid /tmp/nginx.pid;") && nginx.contains("listen 8080;") && nginx.contains("location = /healthz"));
    }

    private static void assertExposes(String service, String dockerfile) throws Exception {
        Map<String, List<Integer>> ports = DeployComposeTest.conventionPorts();
        Matcher m = Pattern.compile("\nEXPOSE (\\d+) (\\d+)\n").matcher(dockerfile);
        assertTrue(m.find(), "EXPOSE <port> <management port>");
        assertEquals(ports.get(service), List.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    }
}
