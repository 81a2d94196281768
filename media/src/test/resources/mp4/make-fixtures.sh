#!/bin/sh
# Regenerates the MP4 fixtures and their ffprobe golden dumps (*.probe.txt).
# Run from this directory: sh make-fixtures.sh   (needs ffmpeg/ffprobe with libx264, libx265, aac)
set -eu
SRC="-f lavfi -i testsrc=size=64x48:rate=10 -f lavfi -i sine=sample_rate=48000 -t 1"
AVC="-c:v libx264 -g 5 -pix_fmt yuv420p"
AAC="-c:a aac -b:a 16k"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
ff $SRC $AVC $AAC -movflags frag_keyframe+empty_moov+default_base_moof frag.mp4
ff $SRC $AVC $AAC -movflags frag_keyframe+empty_moov frag-base-data-offset.mp4
ff $SRC $AVC $AAC -movflags frag_keyframe+empty_moov+default_base_moof+separate_moof frag-separate-moof.mp4
ff $SRC $AVC $AAC progressive-moov-end.mp4
ff $SRC $AVC $AAC -movflags +faststart faststart.mp4
ff $SRC -c:v libx265 -tag:v hvc1 -g 5 -pix_fmt yuv420p -x265-params log-level=error $AAC \
  -movflags frag_keyframe+empty_moov+default_base_moof hevc-frag.mp4
ff $SRC -c:v libx265 -tag:v hev1 -g 5 -pix_fmt yuv420p -x265-params log-level=error -an \
  -movflags +faststart hevc-progressive.mp4
for f in *.mp4; do
  {
    ffprobe -v error -show_entries stream=index,codec_name,time_base,width,height,sample_rate,channels \
      -of csv=p=0:nk=0 "$f" | sed 's/^/stream,/'
    ffprobe -v error -show_entries packet=stream_index,pts,dts,size,pos,flags -of csv=p=0:nk=0 "$f" \
      | sed 's/^/packet,/'
  } > "${f%.mp4}.probe.txt"
done
