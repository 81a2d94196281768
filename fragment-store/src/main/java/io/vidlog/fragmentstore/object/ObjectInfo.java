package io.vidlog.fragmentstore.object;

/** What a listing or stat says about one object. */
public record ObjectInfo(String key, long size, long lastModifiedMillis) {}
