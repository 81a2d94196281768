package io.vidlog.playback.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** DASH manifests as values, read back by an XML parser (docs/wire-protocol.md §3.6). */
class DashManifestTest {
  static final String MPD = "urn:mpeg:dash:schema:mpd:2011";

  static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  static DashManifest manifest(boolean dynamic, boolean numbers) {
    List<DashManifest.Segment> video = List.of(
        new DashManifest.Segment(1_700_000_000_000L, 2000, "getMP4MediaFragment.mp4?FragmentNumber=91&SessionToken=t&TrackNumber=1",
            numbers ? "91" : null, numbers ? 1_700_000_000_000L : null),
        new DashManifest.Segment(1_700_000_002_000L, 1500, "getMP4MediaFragment.mp4?FragmentNumber=92&SessionToken=t&TrackNumber=1",
            numbers ? "92" : null, numbers ? 1_700_000_002_000L : null));
    return new DashManifest(dynamic, Instant.ofEpochMilli(1_700_000_010_000L), List.of(
        new DashManifest.Track(1, true, "avc1.64001f", 2_000_000, 1280, 720, 0,
            "getMP4InitFragment.mp4?SessionToken=t&TrackNumber=1", video),
        new DashManifest.Track(2, false, "mp4a.40.2", 2_000_000, 0, 0, 48000,
            "getMP4InitFragment.mp4?SessionToken=t&TrackNumber=2", List.of())));
  }

  @Test
  void aStaticManifestStartsWithItsFirstSegment() throws Exception {
    Document d = parse(manifest(false, true).render());
    Element mpd = d.getDocumentElement();
    assertEquals("static", mpd.getAttribute("type"));
    assertEquals("PT3.500S", mpd.getAttribute("mediaPresentationDuration"));
    NodeList lists = d.getElementsByTagNameNS(MPD, "SegmentList");
    assertEquals(2, lists.getLength());
    Element video = (Element) lists.item(0);
    assertEquals("1700000000000", video.getAttribute("presentationTimeOffset"));
    NodeList s = video.getElementsByTagNameNS(MPD, "S");
    assertEquals("1700000000000", ((Element) s.item(0)).getAttribute("t"));
    assertEquals("1500", ((Element) s.item(1)).getAttribute("d"));
    assertEquals("92", ((Element) s.item(1)).getAttributeNS(DashManifest.KVS_NAMESPACE, "fn"));
    assertEquals("1700000002000", ((Element) s.item(1)).getAttributeNS(DashManifest.KVS_NAMESPACE, "ts"));
    NodeList urls = video.getElementsByTagNameNS(MPD, "SegmentURL");
    assertEquals("getMP4MediaFragment.mp4?FragmentNumber=92&SessionToken=t&TrackNumber=1",
        ((Element) urls.item(1)).getAttribute("media"), "the & escaped in the XML, whole again once parsed");
    assertEquals("getMP4InitFragment.mp4?SessionToken=t&TrackNumber=1",
        ((Element) video.getElementsByTagNameNS(MPD, "Initialization").item(0)).getAttribute("sourceURL"));
    Element rep = (Element) d.getElementsByTagNameNS(MPD, "Representation").item(1);
    assertEquals("48000", rep.getAttribute("audioSamplingRate"));
  }

  @Test
  void aDynamicManifestPutsSegmentsAtTheirWallClockTime() throws Exception {
    Document d = parse(manifest(true, false).render());
    Element mpd = d.getDocumentElement();
    assertEquals("dynamic", mpd.getAttribute("type"));
    assertEquals("1970-01-01T00:00:00Z", mpd.getAttribute("availabilityStartTime"));
    assertEquals("2023-11-14T22:13:30Z", mpd.getAttribute("publishTime"));
    assertEquals("PT1S", mpd.getAttribute("minimumUpdatePeriod"));
    assertEquals("0", ((Element) d.getElementsByTagNameNS(MPD, "SegmentList").item(0))
        .getAttribute("presentationTimeOffset"));
    assertTrue(!manifest(true, false).render().contains("kvs:fn"));
  }
}
