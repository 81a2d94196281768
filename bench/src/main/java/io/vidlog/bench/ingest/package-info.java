/**
 * Ingest load generators (not JMH: they drive real TLS sockets). Build with
 * {@code mvn -B -q -o -pl bench -am package -DskipTests}, then run
 * {@code java -Xmx2g -cp bench/target/benchmarks.jar io.vidlog.bench.ingest.IngestLoad throughput 45}
 * (one producer at full speed vs. a TLS discard endpoint), or the server and camera-paced producers
 * in separate JVMs: {@code ... IngestLoad serve 18443} and
 * {@code java -Xmx1g -cp ... IngestLoad producers 400 60 --target https://127.0.0.1:18443}
 * (last byte → PERSISTED latency, errors, achieved rate per producer, heap and direct memory of both
 * sides). See {@link io.vidlog.bench.ingest.IngestLoad} for every mode. Each prints the machine facts
 * it ran on.
 */
package io.vidlog.bench.ingest;
