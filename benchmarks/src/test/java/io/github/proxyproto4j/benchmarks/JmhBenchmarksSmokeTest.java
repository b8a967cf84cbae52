package io.github.proxyproto4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Keeps the JMH benchmarks from rotting: runs every benchmark the annotation processor registered for one short
 * iteration, in this JVM, and checks each produced a positive score. Their setup checks (a decoder that misreads a
 * fixture throws) run too. No threshold on the scores.
 */
class JmhBenchmarksSmokeTest {
    private static final String PACKAGE = "io\\.github\\.proxyproto4j\\.benchmarks\\..*";

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a hang guard, not a performance limit
    void everyBenchmarkRunsOnceAndScores() throws Exception {
        SortedSet<BenchmarkListEntry> registered = BenchmarkList.defaultList().find(
                OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of(PACKAGE), List.of());
        assertFalse(registered.isEmpty(), "the JMH annotation processor registered no benchmark");

        Options options = new OptionsBuilder()
                .include(PACKAGE)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Set<String> ran = results.stream().map(r -> r.getParams().getBenchmark()).collect(Collectors.toSet());
        for (BenchmarkListEntry entry : registered) {
            assertTrue(ran.contains(entry.getUsername()), "no result for " + entry.getUsername() + ": " + ran);
        }
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), r.getParams().getBenchmark() + " scored " + score);
        }
    }
}
