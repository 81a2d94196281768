package io.vidlog.ingest;

/**
 * {@code x-amzn-fragment-timecode-type} (docs/wire-protocol.md §1.1, §1.2): ABSOLUTE cluster timecodes are the
 * producer timestamps themselves; RELATIVE ones are offsets from {@code x-amzn-producer-start-timestamp}.
 */
public enum TimecodeType { ABSOLUTE, RELATIVE }
