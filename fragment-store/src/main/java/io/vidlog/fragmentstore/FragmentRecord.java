package io.vidlog.fragmentstore;

/**
 * What the time index keeps per persisted fragment and ListFragments returns (docs/wire-protocol.md §3.1).
 *
 * @param sizeBytes the fragment's size as ListFragments reports it (media and metadata, plaintext MKV)
 * @param trackMask bit {@code n-1} set for each track number n (1..32) that has frames in the fragment
 * @param hasMetadata whether the producer attached fragment metadata tags
 */
public record FragmentRecord(FragmentNumber number, long serverTimestampMillis, long producerTimestampMillis,
    long durationMillis, long sizeBytes, int trackMask, boolean hasMetadata) {}
