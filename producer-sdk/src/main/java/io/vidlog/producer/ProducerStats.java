package io.vidlog.producer;

/**
 * Counters of one producer since it started.
 *
 * @param framesAccepted frames {@code putFrame} took into the buffer
 * @param fragmentsPersisted fragments acknowledged PERSISTED (or RECEIVED on a retention-0 stream)
 * @param fragmentsAlreadyStored unacknowledged fragments found stored after a reconnect, not sent again
 * @param fragmentsResent fragments sent again on a new connection
 * @param connections PutMedia connections opened
 * @param bytesSent MKV bytes written to connections (replays included)
 */
public record ProducerStats(long framesAccepted, long framesDropped, long fragmentsStarted, long fragmentsPersisted,
    long fragmentsDropped, long fragmentsAlreadyStored, long fragmentsResent, long connections, long errors,
    long bytesSent, BufferState buffer) {}
