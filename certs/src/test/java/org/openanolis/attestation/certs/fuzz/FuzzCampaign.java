package org.openanolis.attestation.certs.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A time-bounded random-mutation fuzz loop for one parser ({@code docs/fuzzing.md}). It feeds the
 * target the regression inputs kept under {@code src/test/resources/fuzz-regressions/<name>/},
 * then its seeds (real vectors), then mutations of the seeds (bit flips, interesting integers,
 * truncation, chunk deletion and duplication, splices, dictionary tokens, random bytes) until the
 * time budget is spent. Every input must end in a result or in an exception the target documents;
 * anything else (NullPointerException, ArrayIndexOutOfBoundsException, OutOfMemoryError,
 * StackOverflowError, a wrong reason code) or an input that runs longer than the per-input limit
 * fails the test, and the input is written to {@code target/fuzz-findings/<name>/} so it can be
 * added to the regression corpus.
 *
 * <p>Bounds, from system properties (Surefire passes them through with {@code -D}):
 * {@code fuzz.seconds} per campaign (default 1.5), {@code fuzz.maxInputs} (default unbounded),
 * {@code fuzz.seed} (default a fixed seed per campaign name, so a run is reproducible up to where
 * its time budget ends), {@code fuzz.inputTimeoutMillis} (default 5000: the machine is shared).
 */
public final class FuzzCampaign {
    /** What the target does with one input; returning normally is a result. */
    @FunctionalInterface
    public interface Target {
        void run(byte[] input) throws Exception;
    }

    private static final long[] INTERESTING = {0, 1, 2, -1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
            0x10000, 0x7fffffffL, 0x80000000L, 0xffffffffL, Long.MAX_VALUE, Long.MIN_VALUE, 16, 48, 64, 584, 1184};

    private final String name;
    private final List<byte[]> seeds = new ArrayList<>();
    private final List<byte[]> dictionary = new ArrayList<>();
    private Predicate<Throwable> documented;
    private Path regressionDirectory;

    private FuzzCampaign(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** A campaign named after its target; the name is also the regression and findings directory. */
    public static FuzzCampaign named(String name) {
        return new FuzzCampaign(name);
    }

    /** Real inputs to start from (at least one is required). */
    public FuzzCampaign seeds(List<byte[]> inputs) {
        inputs.forEach(s -> seeds.add(s.clone()));
        return this;
    }

    /** Tokens that mutations insert or overwrite with (format keywords, delimiters, large numbers). */
    public FuzzCampaign dictionary(String... tokens) {
        for (String t : tokens) {
            dictionary.add(t.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    /** The exceptions the target documents (a checked exception with a reason code, usually). */
    public FuzzCampaign documented(Predicate<Throwable> outcome) {
        this.documented = Objects.requireNonNull(outcome, "outcome");
        return this;
    }

    /**
     * Replays the regression corpus of this campaign from the test class path
     * ({@code fuzz-regressions/<name>/}), seen from {@code anchor}'s class loader.
     */
    public FuzzCampaign regressionsFrom(Class<?> anchor) {
        URL url = anchor.getResource("/fuzz-regressions/" + name);
        if (url != null) {
            try {
                regressionDirectory = Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return this;
    }

    /** The regression inputs found for this campaign (empty when there are none). */
    public List<byte[]> regressions() {
        if (regressionDirectory == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(regressionDirectory)) {
            List<byte[]> out = new ArrayList<>();
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.add(Files.readAllBytes(f));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the campaign; fails the calling test on the first undocumented outcome. Returns the input count. */
    public long run(Target target) {
        if (seeds.isEmpty() || documented == null) {
            throw new IllegalStateException("a campaign needs seeds and its documented outcomes");
        }
        double seconds = Double.parseDouble(System.getProperty("fuzz.seconds", "1.5"));
        long maxInputs = Long.parseLong(System.getProperty("fuzz.maxInputs", String.valueOf(Long.MAX_VALUE)));
        long seed = Long.parseLong(System.getProperty("fuzz.seed", String.valueOf(name.hashCode() * 0x9E3779B97F4A7C15L)));
        long inputTimeoutMillis = Long.parseLong(System.getProperty("fuzz.inputTimeoutMillis", "5000"));
        SplittableRandom random = new SplittableRandom(seed);
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "fuzz-" + name, 16L << 20);
            t.setDaemon(true);
            return t;
        });
        long inputs = 0;
        try {
            for (byte[] r : regressions()) {
                check(worker, target, r, inputTimeoutMillis, "regression");
                inputs++;
            }
            for (byte[] s : seeds) {
                check(worker, target, s, inputTimeoutMillis, "seed");
                inputs++;
            }
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long seeded = inputs;
            while ((inputs == seeded || System.nanoTime() < deadline) && inputs < maxInputs) { // at least one mutation
                check(worker, target, mutate(random), inputTimeoutMillis, "mutation (seed " + seed + ")");
                inputs++;
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("[fuzz] %s: %d inputs in %.1f s budget, seed %d%n", name, inputs, seconds, seed);
        assertTrue(inputs > seeds.size(), "the campaign ran no mutation");
        return inputs;
    }

    private void check(ExecutorService worker, Target target, byte[] input, long timeoutMillis, String kind) {
        Future<?> f = worker.submit(() -> {
            target.run(input.clone());
            return null;
        });
        try {
            f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            fail(finding(input, kind, "took longer than " + timeoutMillis + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof VirtualMachineError || t instanceof LinkageError || !documented.test(t)) {
                throw new AssertionError(finding(input, kind, "undocumented outcome " + t), t);
            }
        }
    }

    private String finding(byte[] input, String kind, String what) {
        String id;
        try {
            id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path file = Path.of("target", "fuzz-findings", name, id + ".bin");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return name + ": " + kind + " input " + file.toAbsolutePath() + " (" + input.length + " bytes): " + what;
    }

    /** One to four stacked mutations of a seed (or of a splice of two seeds). */
    byte[] mutate(SplittableRandom r) {
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        if (r.nextInt(50) == 0) {
            byte[] random = new byte[r.nextInt(Math.max(2, b.length * 2))];
            r.nextBytes(random);
            return random;
        }
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = mutateOnce(b, r);
        }
        return b;
    }

    private byte[] mutateOnce(byte[] b, SplittableRandom r) {
        int len = b.length;
        switch (r.nextInt(10)) {
            case 0: // flip one bit
                if (len > 0) {
                    b[r.nextInt(len)] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            case 1: // one random byte
                if (len > 0) {
                    b[r.nextInt(len)] = (byte) r.nextInt(256);
                }
                return b;
            case 2: { // an interesting little-endian integer of 1, 2, 4 or 8 bytes
                int width = 1 << r.nextInt(4);
                if (len >= width) {
                    long v = INTERESTING[r.nextInt(INTERESTING.length)];
                    int at = r.nextInt(len - width + 1);
                    for (int i = 0; i < width; i++) {
                        b[at + i] = (byte) (v >>> (8 * i));
                    }
                }
                return b;
            }
            case 3: // truncate
                return java.util.Arrays.copyOf(b, len == 0 ? 0 : r.nextInt(len));
            case 4: { // delete a chunk
                if (len < 2) {
                    return b;
                }
                int at = r.nextInt(len);
                int cut = 1 + r.nextInt(Math.min(len - at, 64));
                return concat(slice(b, 0, at), slice(b, at + cut, len));
            }
            case 5: { // duplicate a chunk
                if (len < 1) {
                    return b;
                }
                int at = r.nextInt(len);
                int size = 1 + r.nextInt(Math.min(len - at, 256));
                return concat(slice(b, 0, at + size), slice(b, at, len));
            }
            case 6: { // splice with another seed
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int a = len == 0 ? 0 : r.nextInt(len);
                int o = other.length == 0 ? 0 : r.nextInt(other.length);
                return concat(slice(b, 0, a), slice(other, o, other.length));
            }
            case 7: { // random bytes inserted
                byte[] junk = new byte[1 + r.nextInt(16)];
                r.nextBytes(junk);
                int at = len == 0 ? 0 : r.nextInt(len + 1);
                return concat(concat(slice(b, 0, at), junk), slice(b, at, len));
            }
            default: { // a dictionary token inserted or overwritten; without a dictionary, a byte set to 0 or 0xff
                if (dictionary.isEmpty()) {
                    if (len > 0) {
                        b[r.nextInt(len)] = r.nextBoolean() ? 0 : (byte) 0xff;
                    }
                    return b;
                }
                byte[] token = dictionary.get(r.nextInt(dictionary.size()));
                int at = len == 0 ? 0 : r.nextInt(len + 1);
                int skip = r.nextBoolean() ? 0 : Math.min(len - at, r.nextInt(token.length + 1));
                return concat(concat(slice(b, 0, at), token), slice(b, at + skip, len));
            }
        }
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
