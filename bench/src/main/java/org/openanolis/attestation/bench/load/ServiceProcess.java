package org.openanolis.attestation.bench.load;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openanolis.attestation.verifier.service.ServiceConfig;

/**
 * The attestation service in a JVM of its own ({@code verifier serve --config}), started from
 * this JVM's class path: a restart is a real one (new process, cold JIT, empty caches, the same
 * data directory), and the service's CPU is the child's, apart from the load generator's and the
 * simulated hosts' and vendors'. Its output goes to {@code service-<n>.log} beside the config.
 */
final class ServiceProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ServiceConfig config;
    private final Path dir;
    private final int generation;
    private final Process process;

    private ServiceProcess(ServiceConfig config, Path dir, int generation, Process process) {
        this.config = config;
        this.dir = dir;
        this.generation = generation;
        this.process = process;
    }

    /** Starts the service on a free loopback port with {@code config} (written under {@code dir}). */
    static ServiceProcess start(ServiceConfig config, Path dir) throws Exception {
        return start(config, dir, 0);
    }

    private static ServiceProcess start(ServiceConfig config, Path dir, int generation) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            config.port = s.getLocalPort();
        }
        config.validate();
        Path file = dir.resolve("service-config.json");
        JSON.writeValue(file.toFile(), config);
        Path log = dir.resolve("service-" + generation + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        // Extra JVM options for the child (e.g. a flight recording): -Dbench.service_jvm_opts="...",
        // split on spaces; {gen} becomes the restart generation (0, 1, ...).
        String opts = System.getProperty("bench.service_jvm_opts", "").trim();
        if (!opts.isEmpty()) {
            for (String o : opts.split("\\s+")) {
                cmd.add(o.replace("{gen}", Integer.toString(generation)));
            }
        }
        // The service's own tuning properties (attestation.*) are handed on.
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("attestation."))
                .sorted().forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(List.of("org.openanolis.attestation.verifier.cli.Main", "serve", "--config", file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServiceProcess sp = new ServiceProcess(config, dir, generation, p);
        sp.awaitHealthy(log);
        return sp;
    }

    private void awaitHealthy(Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(baseUri().resolve("/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException("the service did not answer /health within 120 s; see " + log);
    }

    int port() {
        return config.port;
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + config.port);
    }

    long pid() {
        return process.pid();
    }

    /** Stops this process gracefully and starts a new one on the same configuration and data. */
    ServiceProcess restart() throws Exception {
        close();
        return start(config, dir, generation + 1);
    }

    /** The service's {@code gpu_warm_start} status object from {@code /v1/status}. */
    JsonNode warmStart() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(baseUri().resolve("/v1/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("gpu_warm_start");
    }

    /** CPU seconds the process has used so far (all threads). */
    double cpuSeconds() {
        return ProcCpu.process(pid());
    }

    /** CPU seconds of the process's JIT compiler threads so far. */
    double jitSeconds() {
        return ProcCpu.threads(pid(), "C2 CompilerThre", "C1 CompilerThre");
    }

    /** CPU seconds of the process's garbage collector threads so far. */
    double gcSeconds() {
        return ProcCpu.threads(pid(), "GC Thread", "G1 ");
    }

    /** SIGTERM (graceful shutdown), then waits; killed after 60 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
