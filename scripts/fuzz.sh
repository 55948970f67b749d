#!/usr/bin/env bash
# Builds every cargo-fuzz target in fuzz/ and runs each for SECONDS (default 30), one after
# the other, one job each. Exits non-zero when a target crashes (a panic, a broken invariant,
# a timeout, too much memory); the input is then in fuzz/artifacts/TARGET/ and the log says
# how to reproduce it.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Seeds are read at run time, never copied into the repository: fixtures/ and, when present,
# ../shared/samples; the configuration target's seeds are the TOML examples of README.md,
# and the XML and CSV targets get dictionaries made from dtd/ultracart-export.dtd and the
# DSCO column list. What the fuzzer finds is kept in fuzz/corpus/TARGET/ (not in git).
#
# Environment: FUZZ_CPU=1 (SECONDS is CPU time, not wall time: the run is repeated on its
# corpus until that much CPU was spent), FUZZ_SANITIZER (default none; `address` for ASan,
# slower), FUZZ_RSS_MB (default 2048), FUZZ_TIMEOUT (seconds per input, default 10),
# FUZZ_BIN (a folder of target binaries already built, e.g. a copy of
# fuzz/target/x86_64-unknown-linux-gnu/release: run as they are, no build; for long runs
# while the sources change).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
sanitizer=${FUZZ_SANITIZER:-none}
rss=${FUZZ_RSS_MB:-2048}
timeout=${FUZZ_TIMEOUT:-10}

if ! rustup toolchain list | grep -q nightly; then
  echo "fuzz.sh: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is needed (cargo install cargo-fuzz --locked)" >&2
  exit 2
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

# Seeds and dictionaries made at run time (git-ignored).
gen=fuzz/corpus/.generated
rm -rf "$gen"
mkdir -p "$gen/config" "$gen/dict"
awk '/^```toml/{n++; f=sprintf("'"$gen"'/config/readme-%02d.toml", n); on=1; next}
     /^```/{on=0} on{print > f}' README.md
{
  sed -n 's/^<!ELEMENT[[:space:]]\+\([A-Za-z0-9_.-]\+\).*/\1/p' dtd/ultracart-export.dtd |
    sort -u | while read -r e; do printf '"<%s>"\n"</%s>"\n' "$e" "$e"; done
  printf '"%s"\n' '<?xml version="1.0" encoding="UTF-8"?>' '<!DOCTYPE export SYSTEM "x.dtd">' \
    '<![CDATA[' ']]>' '&amp;' '&#x0;' '<!--' '-->' ' encoding="UTF-16"' 'Y' 'N' 'SD' 'AR' 'DFLT'
} >"$gen/dict/xml.dict"
{
  tr -s ' ,\t\r' '\n\n\n\n' <fixtures/dsco/order-columns.txt | grep -E '^[a-z_]+$' | sort -u |
    sed 's/.*/"&"/'
  printf '"%s"\n' ',' '|' '"' '""' '2019-02-24T19:43:56+07:00' '1' '0' 'true'
} >"$gen/dict/dsco.dict"
{
  sed -n 's/^#\?[[:space:]]*\([a-z_]\+\)[[:space:]]*=.*/\1/p' README.md | sort -u | sed 's/.*/"& = "/'
  printf '"%s"\n' '[[partner]]' '[partner.remote]' '[ftp]' '[sftp]' '[limits]' '"cart"' '"warehouse"' \
    '"ultracart"' '"dsco"' '"canonical"' '"dtd/ultracart-export.dtd"' '"secrets/acme.pw"' \
    '"secrets/plain.pw"' '"cert.pem"' '"key.pem"' '"10s"' '"2GiB"' '"64:30:256"' '"1/s"'
} >"$gen/dict/config.dict"
# FTP command lines: each verb with an argument a real client sends (one file each).
mkdir -p "$gen/ftp"
n=0
while IFS= read -r l; do
  n=$((n + 1))
  printf '%s\r\n' "$l" >"$gen/ftp/$(printf '%02d' "$n")"
done <<'LINES'
USER acme
PASS secret word
AUTH TLS
PBSZ 0
PROT P
OPTS UTF8 ON
OPTS MLST type;size;modify;
TYPE I
TYPE A N
MODE S
STRU F
FEAT
SYST
PWD
CWD /in
XCWD in/sub
CDUP
PASV
EPSV
EPSV ALL
PORT 127,0,0,1,195,80
EPRT |1|127.0.0.1|50000|
EPRT |2|::1|50000|
LIST -la /out
NLST out
MLSD /out
MLST in/a.xml
STAT in
SIZE out/order_1.json
MDTM out/order_1.json
MFMT 20240101120000.123 in/a.xml
REST 3000
RETR out/order_1.json
STOR in/a.xml.filepart
APPE in/a.xml
DELE out/order_1.json
RNFR in/a.xml.filepart
RNTO in/a.xml
MKD in/sub
RMD in/sub
ALLO 6968
HELP
SITE CHMOD 600 in/a.xml
CCC
NOOP
QUIT
LINES
printf '\377\364\377\362ABOR\r\n' >"$gen/ftp/abor-telnet"
printf '"%s"\n' USER PASS AUTH PBSZ PROT OPTS TYPE MODE STRU FEAT SYST PWD CWD XCWD CDUP XCUP \
  PASV EPSV PORT EPRT LIST NLST MLSD MLST STAT SIZE MDTM MFMT REST RETR STOR APPE DELE RNFR \
  RNTO MKD XMKD RMD XRMD ABOR ALLO HELP SITE CCC NOOP QUIT XPWD ' ' '\x0d\x0a' '|1|' '|2|' 'ALL' \
  'UTF8' 'MLST' 'TLS' '-la ' '\xff\xf4' '\xff\xff' '\xff\xfb' >"$gen/dict/ftp.dict"

# Seed folders per target (read only: new inputs go to fuzz/corpus/TARGET). The inputs that
# once crashed a target (fixtures/fuzz-regressions/TARGET/) come first: every run replays them.
seeds() {
  local s=../shared/samples
  echo "fixtures/fuzz-regressions/$1"
  case "$1" in
    validate_dtd | ultracart) echo fixtures/ultracart fixtures/xml "$s/ultracart" ;;
    dsco) echo fixtures/dsco "$s/dsco" ;;
    warehouse) echo fixtures/warehouse "$s/cartrover" ;;
    config) echo "$gen/config" ;;
    ftp_commands) echo "$gen/ftp" ;;
  esac
}
# Extra libFuzzer flags per target.
flags() {
  case "$1" in
    validate_dtd | ultracart) echo "-dict=$gen/dict/xml.dict" ;;
    dsco) echo "-dict=$gen/dict/dsco.dict" ;;
    config) echo "-dict=$gen/dict/config.dict" ;;
    ftp_commands) echo "-dict=$gen/dict/ftp.dict" ;;
    # A sequence of requests: long inputs from the start.
    sftp_requests) echo "-max_len=2048 -len_control=0" ;;
  esac
}

start=$(date +%s)
if [ -z "${FUZZ_BIN:-}" ]; then
  cargo +nightly fuzz build --sanitizer "$sanitizer"
  echo "fuzz.sh: built in $(($(date +%s) - start)) s"
fi

# The target binary run directly (FUZZ_BIN) or through cargo fuzz (which rebuilds it when a
# source changed).
fuzzer() {
  local t=$1
  shift
  if [ -n "${FUZZ_BIN:-}" ]; then
    mkdir -p "fuzz/artifacts/$t"
    "$FUZZ_BIN/$t" -artifact_prefix="fuzz/artifacts/$t/" "$@"
  else
    local corpora=() libfuzzer=() past=
    for a in "$@"; do
      if [ -z "$past" ] && [ "${a#-}" = "$a" ]; then corpora+=("$a"); else past=1 libfuzzer+=("$a"); fi
    done
    cargo +nightly fuzz run --sanitizer "$sanitizer" "$t" "${corpora[@]}" -- "${libfuzzer[@]}"
  fi
}

# One run of target $1 for $2 wall seconds, appended to its log; its CPU seconds (user +
# system, libFuzzer's and cargo's) go to $cpu_file.
run_once() {
  local t=$1 secs=$2 dirs=()
  for d in $(seeds "$t"); do
    [ -d "$d" ] && dirs+=("$d")
  done
  local TIMEFORMAT='%U %S'
  # shellcheck disable=SC2046
  { time fuzzer "$t" "fuzz/corpus/$t" "${dirs[@]}" \
    -max_total_time="$secs" -rss_limit_mb="$rss" -timeout="$timeout" -print_final_stats=1 \
    $(flags "$t") >>"$log" 2>&1; } 2>"$cpu_file"
}

failed=()
summary=()
cpu_file=$(mktemp)
trap 'rm -f "$cpu_file"' EXIT
mkdir -p fuzz/artifacts
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  log="fuzz/artifacts/$t.log"
  : >"$log"
  echo "fuzz.sh: $t for ${seconds}s${FUZZ_CPU:+ of CPU} (seeds: $(seeds "$t" | tr '\n' ' '))"
  cpu=0
  ratio=1
  while :; do
    # With FUZZ_CPU set, SECONDS counts CPU time (on a shared machine a wall-clock minute
    # holds less): run again, on the corpus found so far, until that much CPU was spent. Each
    # run asks for the wall time the CPU left should take at the share the last run got.
    left=$(awk -v s="$seconds" -v c="$cpu" -v r="$ratio" \
      'BEGIN { l = (s - c) * r; print (l < 10 ? 10 : int(l + 0.999)) }')
    status=0
    began=$(date +%s)
    run_once "$t" "$left" || status=$?
    wall=$(($(date +%s) - began))
    ratio=$(awk -v w="$wall" '{ c = $1 + $2; r = (c > 1 ? w / c : 1); print (r < 1 ? 1 : (r > 8 ? 8 : r)) }' "$cpu_file")
    cpu=$(awk -v c="$cpu" '{ print c + $1 + $2 }' "$cpu_file")
    if [ "$status" -ne 0 ]; then
      failed+=("$t")
      tail -n 60 "$log" >&2
      break
    fi
    if [ -z "${FUZZ_CPU:-}" ] || awk -v s="$seconds" -v c="$cpu" 'BEGIN { exit !(c >= s) }'; then
      break
    fi
  done
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{ n += $1 } END { print n }')
  rss_mb=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | sort -n | tail -n 1)
  summary+=("$(printf '%-14s cpu=%-6.0fs execs=%-10s peak_rss=%sMB  %s' "$t" "$cpu" "${execs:-?}" "${rss_mb:-?}" "$done_line")")
done

echo "fuzz.sh: ${seconds}s per target, $(($(date +%s) - start)) s in all"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: crashed: ${failed[*]} (inputs in fuzz/artifacts/; logs fuzz/artifacts/TARGET.log)" >&2
  exit 1
fi
