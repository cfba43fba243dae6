#!/bin/sh
# Records the spoken-confirmation clips (digits, units, 点, 元, 微信收款, 支付宝到账) with espeak-ng's
# Mandarin voice and stores them as small 8 kHz mono 16-bit WAV files in renderer/public/voice/, named
# by the clip's code points (clipFile() in renderer/src/voice/browser-voice-output.ts). The clips are
# committed, so building the app never needs espeak-ng or sox; run this only to remake them:
#   apt-get install -y espeak-ng sox && sh build/scripts/make-voice-clips.sh
# The list must match CLIP_NAMES in core/common/voice/spoken-amount.ts (a test checks each exists).
set -eu
out="$(dirname "$0")/../../renderer/public/voice"
mkdir -p "$out"
command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed (apt-get install -y espeak-ng sox)"; exit 1; }
command -v sox >/dev/null || { echo "sox is not installed (apt-get install -y sox)"; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for clip in 零 一 二 三 四 五 六 七 八 九 十 百 千 万 亿 点 元 微信收款 支付宝到账; do
  name=$(printf '%s' "$clip" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write([...s].map(c=>c.codePointAt(0).toString(16)).join("-")))')
  espeak-ng -v cmn -s 190 -w "$tmp/raw.wav" "$clip"
  # 8 kHz mono 16-bit, leading and trailing silence cut so the concatenated amount flows.
  sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 "$out/$name.wav" gain -n -1 silence 1 0.02 1% reverse silence 1 0.02 1% reverse
done
echo "clips written to $out"
