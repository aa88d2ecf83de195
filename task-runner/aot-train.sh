#!/usr/bin/env bash
# The training run of the JDK 25 AOT cache (JEP 483/514/515); the image build runs it once:
#   aot-train.sh OUTPUT.aot [sluice arguments...]      (default arguments: selftest)
# It trains through bin/sluice (SLUICE_AOT_OUTPUT), so the training run has exactly the launcher's
# JVM flags and jar path: a flag that differs at run time makes the JVM ignore the cache, or refuse
# to start with SLUICE_AOT=on (-XX:AOTMode=on).
# The classes this run loads and the methods it profiles are the ones that start fast later, so
# point it at a representative run (selftest: a partition against an in-process API and embedded PostgreSQL);
# as root it trains as SLUICE_UID (embedded PostgreSQL refuses to run as root).
set -euo pipefail
out="${1:?usage: aot-train.sh OUTPUT.aot [sluice arguments...]}"
shift
[ $# -gt 0 ] || set -- selftest
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
launcher="$here/bin/sluice"
uid="${SLUICE_UID:-10001}"
cmd=(env)
rm -f "$out"
if [ "$(id -u)" = 0 ] && [ "$uid" != 0 ]; then
  scratch="$(mktemp -d)"  # the JVM writes the cache as $uid; root moves it into place
  chown "$uid:$uid" "$scratch"
  cmd=(setpriv --reuid="$uid" --regid="$uid" --clear-groups env HOME="$scratch" SLUICE_HOME="$scratch/home")
  final="$out"
  out="$scratch/sluice.aot"
fi
"${cmd[@]}" SLUICE_AOT_OUTPUT="$out" "$launcher" "$@"
if [ -n "${final:-}" ]; then
  mv "$out" "$final" && chown 0:0 "$final" && chmod 0644 "$final" && rm -rf "$scratch"
  out="$final"
fi
[ -s "$out" ] || { echo "aot-train.sh: the training run wrote no cache at $out" >&2; exit 1; }
echo "aot-train.sh: $(du -h "$out" | cut -f1) AOT cache at $out, trained on: sluice $*"
