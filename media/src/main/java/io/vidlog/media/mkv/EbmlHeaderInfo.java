package io.vidlog.media.mkv;

/** The EBML header's fields (RFC 8794 §11.2.2–§11.2.8); DocType is {@code matroska} or {@code webm}. */
public record EbmlHeaderInfo(String docType, int docTypeVersion, int docTypeReadVersion, int maxIdLength,
    int maxSizeLength) {}
