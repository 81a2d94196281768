package io.vidlog.fragmentstore.streams;

/** KVS stream status values. vidlog creates streams synchronously, so they are ACTIVE at once. */
public enum StreamStatus {
  CREATING, ACTIVE, UPDATING, DELETING
}
