#!/bin/sh
# Regenerates the codec fixtures and codec-golden.txt (needs ffmpeg/ffprobe with libx264, libx265, aac).
# Run from this directory: sh make-fixtures.sh
set -eu
T=$(mktemp -d)
: > codec-golden.txt
video() { # name encoder size rate extra-args...
  name=$1; enc=$2; size=$3; rate=$4; shift 4
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc=size=$size:rate=$rate" -frames:v 1 \
    -c:v "$enc" "$@" "$T/$name.mp4"
  if [ "$enc" = libx264 ]; then bsf=h264_mp4toannexb,filter_units=pass_types=7-8; fmt=h264;
  else bsf=hevc_mp4toannexb,filter_units=pass_types=32-34; fmt=hevc; fi
  ffmpeg -hide_banner -loglevel error -y -i "$T/$name.mp4" -c:v copy -bsf:v "$bsf" -f "$fmt" "$name.annexb"
  # one line per fixture: the fields ffprobe reports for the stream
  printf '%s %s\n' "$name" "$(ffprobe -v error -select_streams v:0 -show_entries \
    stream=codec_name,profile,level,width,height,pix_fmt,r_frame_rate -of default=nw=1 "$T/$name.mp4" | tr '\n' ' ')" \
    >> codec-golden.txt
}
audio() { # name sample-rate channels
  name=$1
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "sine=sample_rate=$2" -t 0.05 -ac "$3" -c:a aac "$T/$name.m4a"
  ffmpeg -hide_banner -loglevel error -y -i "$T/$name.m4a" -c:a copy -f adts "$name.adts"
  asc=$(ffprobe -v error -select_streams a:0 -show_data -show_entries stream=extradata "$T/$name.m4a" \
    | sed -n 's/^[0-9a-f]*: \(.*\)  .*/\1/p' | tr -d ' \n')
  printf '%s %s extradata=%s\n' "$name" "$(ffprobe -v error -select_streams a:0 -show_entries \
    stream=codec_name,profile,sample_rate,channels -of default=nw=1 "$T/$name.m4a" | tr '\n' ' ')" "$asc" \
    >> codec-golden.txt
}
video avc-baseline-320x180 libx264 320x180 25 -profile:v baseline -pix_fmt yuv420p
video avc-main-640x360 libx264 640x360 30 -profile:v main -pix_fmt yuv420p
video avc-high-1920x1080 libx264 1920x1080 25 -profile:v high -pix_fmt yuv420p -preset veryfast
video avc-high-64x48 libx264 64x48 10 -profile:v high -pix_fmt yuv420p
video avc-high-ntsc-352x240 libx264 352x240 30000/1001 -profile:v high -pix_fmt yuv420p
video avc-high444-cqm-176x144 libx264 176x144 25 -profile:v high444 -pix_fmt yuv444p -x264-params cqm4=16,20,24,28,20,24,28,32,24,28,32,36,28,32,36,40:cqm8=16,17,18,19,20,21,22,23,17,18,19,20,21,22,23,24,18,19,20,21,22,23,24,25,19,20,21,22,23,24,25,26,20,21,22,23,24,25,26,27,21,22,23,24,25,26,27,28,22,23,24,25,26,27,28,29,23,24,25,26,27,28,29,30
video avc-high10-320x240 libx264 320x240 25 -profile:v high10 -pix_fmt yuv420p10le
video avc-high422-322x242 libx264 322x242 25 -profile:v high422 -pix_fmt yuv422p
video hevc-main-320x180 libx265 320x180 25 -pix_fmt yuv420p -x265-params log-level=error
video hevc-main-1920x1080 libx265 1920x1080 25 -pix_fmt yuv420p -preset ultrafast -x265-params log-level=error
video hevc-main10-352x288 libx265 352x288 25 -pix_fmt yuv420p10le -x265-params log-level=error
video hevc-rext444-64x64 libx265 64x64 25 -pix_fmt yuv444p -x265-params log-level=error
audio aac-lc-44100-stereo 44100 2
audio aac-lc-48000-stereo 48000 2
audio aac-lc-48000-mono 48000 1
audio aac-lc-8000-mono 8000 1
audio aac-lc-96000-5.1 96000 6
rm -rf "$T"
