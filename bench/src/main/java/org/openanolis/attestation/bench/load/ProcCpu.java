package org.openanolis.attestation.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time of a process, or of its threads by name, from Linux {@code /proc} (0 elsewhere). */
final class ProcCpu {
    private static final double USER_HZ = 100.0;

    private ProcCpu() {}

    /** CPU seconds (user + system) of process {@code pid} so far. */
    static double process(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) / USER_HZ;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU seconds of this JVM's threads whose name starts with one of {@code prefixes}. */
    static double ownThreads(String... prefixes) {
        return threads("self", prefixes);
    }

    /** CPU seconds of the threads of process {@code pid} whose name starts with one of {@code prefixes}. */
    static double threads(long pid, String... prefixes) {
        return threads(Long.toString(pid), prefixes);
    }

    private static double threads(String proc, String... prefixes) {
        double ticks = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + proc + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    for (String p : prefixes) {
                        if (comm.startsWith(p)) {
                            ticks += ticks(stat);
                            break;
                        }
                    }
                } catch (IOException | RuntimeException ignored) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks / USER_HZ;
    }

    /** utime + stime of a {@code stat} line (fields 14 and 15; the command may hold spaces). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * CPU seconds of the threads of process {@code pid} by name, digits and a trailing separator
     * stripped ({@code vert.x-eventloop-thread-1} and {@code -0} count together; Linux keeps the
     * first 15 characters of a name).
     */
    static java.util.Map<String, Double> byThreadName(long pid) {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[0-9]+", "").replaceAll("[-#_ ]+$", "");
                    out.merge(comm, ticks(stat) / USER_HZ, Double::sum);
                } catch (IOException | RuntimeException ignored) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
