package org.openanolis.attestation.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time of a process, or of its threads by name, from Linux {@code /proc} (0 elsewhere). */
final class ProcCpu {
    static final double USER_HZ = 100.0;

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
                    String comm = comm(stat);
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

    /** The thread or process name of a {@code stat} line (the kernel's first 15 characters). */
    static String comm(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** utime + stime of a {@code stat} line (fields 14 and 15; the command may hold spaces). */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
