package org.openanolis.attestation.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process per native thread, from {@code /proc/self/task/<tid>/stat} (Linux
 * only; empty elsewhere). Unlike {@code ThreadMXBean} it sees the JVM's own threads too (GC,
 * JIT compilers). Threads are grouped by name with digits folded ({@code GC Thread#0} and
 * {@code GC Thread#1} → {@code GC Thread#N}); names are the kernel's 15-character ones.
 */
final class ThreadCpu {
    /** tid → (group name, CPU seconds so far). */
    private final Map<String, Map.Entry<String, Double>> threads;

    private ThreadCpu(Map<String, Map.Entry<String, Double>> threads) {
        this.threads = threads;
    }

    static ThreadCpu snapshot() {
        return snapshot("self");
    }

    /** The threads of another process on this machine (e.g. a service in its own JVM). */
    static ThreadCpu snapshot(long pid) {
        return snapshot(Long.toString(pid));
    }

    private static ThreadCpu snapshot(String proc) {
        Map<String, Map.Entry<String, Double>> out = new HashMap<>();
        Path tasks = Path.of("/proc/" + proc + "/task");
        if (!Files.isDirectory(tasks)) {
            return new ThreadCpu(out);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
            for (Path t : ds) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    out.put(t.getFileName().toString(),
                            Map.entry(group(ProcCpu.comm(stat)), ProcCpu.ticks(stat) / ProcCpu.USER_HZ));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return new ThreadCpu(out);
        }
        return new ThreadCpu(out);
    }

    private static String group(String name) {
        return name.replaceAll("\\d+", "N");
    }

    /**
     * CPU seconds per thread group between {@code before} and this snapshot, biggest first, plus
     * {@code ended threads} = {@code processCpuSeconds} minus what the surviving threads used
     * (threads that ended in between, e.g. the load generator's event loops).
     */
    Map<String, Double> since(ThreadCpu before, double processCpuSeconds) {
        return since(before, processCpuSeconds, "(ended threads: load generator)");
    }

    /** As above, naming the share of threads that ended in between {@code ended}. */
    Map<String, Double> since(ThreadCpu before, double processCpuSeconds, String ended) {
        Map<String, Double> groups = new TreeMap<>();
        double seen = 0;
        for (Map.Entry<String, Map.Entry<String, Double>> e : threads.entrySet()) {
            Map.Entry<String, Double> old = before.threads.get(e.getKey());
            double d = e.getValue().getValue() - (old == null ? 0 : old.getValue());
            groups.merge(e.getValue().getKey(), d, Double::sum);
            seen += d;
        }
        groups.put(ended, Math.max(0, processCpuSeconds - seen));
        List<Map.Entry<String, Double>> sorted = new java.util.ArrayList<>(groups.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sorted) {
            if (e.getValue() > 0) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
