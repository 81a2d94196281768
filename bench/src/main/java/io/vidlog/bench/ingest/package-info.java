/**
 * Ingest load generators (not JMH: they drive real TLS sockets). Build with
 * {@code mvn -B -q -o -pl bench -am package -DskipTests}, then run
 * {@code java -Xmx2g -cp bench/target/benchmarks.jar io.vidlog.bench.ingest.IngestLoad throughput 45}
 * (one producer at full speed vs. a TLS discard endpoint) or
 * {@code ... IngestLoad producers 100 60} (camera-paced producers: last byte → PERSISTED latency,
 * errors, heap after GC). Each prints the machine facts it ran on.
 */
package io.vidlog.bench.ingest;
