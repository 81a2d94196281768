/**
 * The streams registry (docs/wire-protocol.md §4): {@link io.vidlog.fragmentstore.streams.ObjectStoreStreamRegistry}
 * keeps one sealed record per stream under {@code registry/streams/<streamId>} and answers from
 * memory; {@link io.vidlog.fragmentstore.streams.StreamValidation} holds the KVS argument rules.
 */
package io.vidlog.fragmentstore.streams;
