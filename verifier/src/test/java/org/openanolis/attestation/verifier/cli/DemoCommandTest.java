package org.openanolis.attestation.verifier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** {@code demo}: the whole round trip on loopback, as a user runs it. */
class DemoCommandTest {
    @Test
    void demoWithEightGpusExitsZeroAndShowsNineAffirmingDevices() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"demo", "--gpus", "8"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Main.EXIT_PASS, rc, text + err.toString(StandardCharsets.UTF_8));
        assertEquals(9, text.lines().filter(l -> l.matches("\\s+(cpu|gpu\\d)\\s+affirming.*")).count(), text);
        assertTrue(text.contains("signature VERIFIED"), text);
    }

    @Test
    void demoRejectsMoreThanEightGpus() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(Main.EXIT_USAGE, Main.run(new String[] {"demo", "--gpus", "9"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }
}
