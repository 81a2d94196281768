package io.vidlog.kvs;

/**
 * PutMedia ERROR ack ids and codes (docs/wire-protocol.md §1.3). Names come from the AWS SDK v1
 * {@code AckErrorCode} enum; 4009–4012 have no public name, so vidlog sends descriptive ones
 * (clients key on {@code ErrorId}; the PIC maps ids, the v1 SDK keeps unknown codes raw).
 */
public enum AckError {
  STREAM_READ_ERROR(4000, "STREAM_READ_ERROR"),
  /** vidlog: a newer PutMedia connection for the same stream took over this one. */
  CONNECTION_SUPERSEDED(4000, "CONNECTION_SUPERSEDED"),
  /** vidlog: no data for the idle limit (docs/wire-protocol.md §1.3: IDLE for 30 s, then the server closes). */
  IDLE_TIMEOUT(4000, "IDLE_TIMEOUT"),
  MAX_FRAGMENT_SIZE_REACHED(4001, "MAX_FRAGMENT_SIZE_REACHED"),
  /** vidlog: a progressive MP4 upload over the spool limit (ingest's MP4 spool limit); the connection ends. */
  MAX_UPLOAD_SIZE_REACHED(4001, "MAX_UPLOAD_SIZE_REACHED"),
  /**
   * vidlog: the body asked this connection to buffer more than its share (ingest's per-connection
   * buffer budget): a BlockGroup Block, a frame split across reads or a
   * header element larger than the connection may hold. 4001 because it is the documented id for
   * "this piece of the stream is too large to take", and the producer's remedy is the same as for a
   * fragment over 50 MB: send smaller frames. With the default share only a body that breaks the
   * frame and header limits can reach it.
   */
  CONNECTION_BUFFER_LIMIT_REACHED(4001, "CONNECTION_BUFFER_LIMIT_REACHED"),
  MAX_FRAGMENT_DURATION_REACHED(4002, "MAX_FRAGMENT_DURATION_REACHED"),
  MAX_CONNECTION_DURATION_REACHED(4003, "MAX_CONNECTION_DURATION_REACHED"),
  FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS(4004, "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"),
  INVALID_MKV_DATA(4006, "INVALID_MKV_DATA"),
  INVALID_PRODUCER_TIMESTAMP(4007, "INVALID_PRODUCER_TIMESTAMP"),
  STREAM_NOT_ACTIVE(4008, "STREAM_NOT_ACTIVE"),
  FRAGMENT_METADATA_LIMIT_REACHED(4009, "FRAGMENT_METADATA_LIMIT_REACHED"),
  TRACK_NUMBER_MISMATCH(4010, "TRACK_NUMBER_MISMATCH"),
  FRAGMENT_TRACK_MISSING(4011, "FRAGMENT_TRACK_MISSING"),
  MAX_TRACKS_EXCEEDED(4012, "MAX_TRACKS_EXCEEDED"),
  INTERNAL_ERROR(5000, "INTERNAL_ERROR"),
  /**
   * vidlog: the bytes all connections of this server hold in parser buffers reached ingest's
   * server-wide buffer budget, so this connection's next buffer was refused. The data is
   * valid and the cause is the server's load, not the producer: 5000 is the documented id for a
   * failure on the server's side, after which a producer retries on a new connection (4xxx ids say
   * the stream itself must change).
   */
  SERVER_BUFFER_LIMIT_REACHED(5000, "SERVER_BUFFER_LIMIT_REACHED"),
  ARCHIVAL_ERROR(5001, "ARCHIVAL_ERROR"),
  /**
   * vidlog: the fragment was RECEIVED but could not be stored because the store has no space left
   * (the fs backend's file system is full). 5001 because that is the documented id for "received,
   * not stored"; the connection continues and the next fragments are stored once space is freed.
   */
  STORE_FULL(5001, "STORE_FULL");

  private final int id;
  private final String code;

  AckError(int id, String code) {
    this.id = id;
    this.code = code;
  }

  public int id() {
    return id;
  }

  public String code() {
    return code;
  }
}
