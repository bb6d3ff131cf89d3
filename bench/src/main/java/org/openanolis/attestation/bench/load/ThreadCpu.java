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
    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** tid → (group name, CPU seconds so far). */
    private final Map<String, Map.Entry<String, Double>> threads;

    private ThreadCpu(Map<String, Map.Entry<String, Double>> threads) {
        this.threads = threads;
    }

    static ThreadCpu snapshot() {
        Map<String, Map.Entry<String, Double>> out = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return new ThreadCpu(out);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
            for (Path t : ds) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(stat.indexOf('(') + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    // fields after the name: state(0) ... utime(11) stime(12)
                    double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                    out.put(t.getFileName().toString(), Map.entry(group(name), seconds));
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
        Map<String, Double> groups = new TreeMap<>();
        double seen = 0;
        for (Map.Entry<String, Map.Entry<String, Double>> e : threads.entrySet()) {
            Map.Entry<String, Double> old = before.threads.get(e.getKey());
            double d = e.getValue().getValue() - (old == null ? 0 : old.getValue());
            groups.merge(e.getValue().getKey(), d, Double::sum);
            seen += d;
        }
        groups.put("(ended threads: load generator)", Math.max(0, processCpuSeconds - seen));
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
