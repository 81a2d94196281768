package io.vidlog.media.ebml;

/**
 * What the framing layer needs to know about element ids (RFC 8794 §11.1 schema): which ids are
 * master elements and at which level they live. Levels let an unknown-size master be closed when an
 * element of the same or a higher (smaller) level starts (RFC 8794 §6.2; the KVS parser library's
 * {@code EBMLParser.removeMasterElementsBasedOnLevel}).
 */
public interface EbmlSchema {
  /** The id's level (0 = top level), or -1 for global elements (Void, CRC-32) and unknown ids. */
  int level(int id);

  /** Whether the id is a master element (holds child elements). */
  boolean isMaster(int id);
}
