#!/bin/sh
# Regenerates the committed store icons (ImageMagick 6): a white "H" on a rounded indigo square.
set -eu
cd "$(dirname "$0")/../public/icon"
convert -size 512x512 xc:none -fill '#3f3cbb' -draw 'roundrectangle 16,16 495,495 96,96' \
  -fill white -draw 'rectangle 136,112 200,400' -draw 'rectangle 312,112 376,400' \
  -draw 'rectangle 196,224 316,288' -fill '#ffcc33' -draw 'circle 420,92 420,40' /tmp/herald-icon-512.png
for s in 16 32 48 96 128; do
  convert /tmp/herald-icon-512.png -filter Lanczos -resize "${s}x${s}" -strip "PNG32:$s.png"
done
