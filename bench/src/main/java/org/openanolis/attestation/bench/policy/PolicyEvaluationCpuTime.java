package org.openanolis.attestation.bench.policy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openanolis.attestation.policies.Appraisal;
import org.openanolis.attestation.policies.PolicyException;

/**
 * The same two evaluations as {@link PolicyEvaluationBenchmark}, timed in CPU time of the
 * measuring thread rather than wall-clock time, so that the figure stays meaningful on a machine
 * shared with other work (as {@code perf-limits.md} reports its figures). Prints the best of 8
 * rounds of 200,000 evaluations after 4 warm-up rounds.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar
 * org.openanolis.attestation.bench.policy.PolicyEvaluationCpuTime}
 */
public final class PolicyEvaluationCpuTime {
    private PolicyEvaluationCpuTime() {}

    @FunctionalInterface
    private interface Evaluation {
        Appraisal run() throws PolicyException;
    }

    public static void main(String[] args) throws PolicyException {
        PolicyEvaluationBenchmark b = new PolicyEvaluationBenchmark();
        b.setUp();
        report("builtInTdxDefault", b::builtInTdxDefault);
        report("productionTdxWithReferences", b::productionTdxWithReferences);
    }

    private static void report(String name, Evaluation evaluation) throws PolicyException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int n = 200_000;
        double best = Double.MAX_VALUE;
        int rules = 0;
        for (int round = 0; round < 12; round++) {
            long start = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                rules += evaluation.run().rules().size();
            }
            double perOp = (mx.getCurrentThreadCpuTime() - start) / (double) n;
            if (round >= 4) {
                best = Math.min(best, perOp);
            }
        }
        System.out.printf("%-30s %8.0f ns CPU per evaluation (%d rule evaluations)%n", name, best, rules);
    }
}
