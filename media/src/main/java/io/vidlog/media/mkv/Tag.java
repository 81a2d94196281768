package io.vidlog.media.mkv;

import java.util.List;

/**
 * One Tag of a Tags element (RFC 9559 §5.1.8): its Targets' TargetTypeValue (0 when absent, 50 is
 * the Matroska default) and its SimpleTags in order.
 */
public record Tag(long targetTypeValue, List<SimpleTag> simpleTags) {}
