package io.vidlog.producer;

import java.time.Duration;
import java.time.Instant;

/**
 * One fragment as ListFragments lists it (docs/wire-protocol.md §3.1). Fragment numbers are opaque
 * decimal strings: compare them with {@link FragmentNumbers#compare}, never as text.
 */
public record FragmentInfo(String fragmentNumber, long sizeInBytes, Instant producerTimestamp,
    Instant serverTimestamp, Duration length) {}
