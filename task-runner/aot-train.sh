#!/usr/bin/env bash
# The training run of the JDK 25 AOT cache (JEP 483/514/515); the image build runs it once:
#   aot-train.sh OUTPUT.aot [sluice arguments...]      (default arguments: --help)
# It runs the JVM as bin/sluice does (same java, -XX:+UseSerialGC, SLUICE_JAVA_OPTS, -jar with the
# same jar path): a flag that differs at run time makes the JVM ignore the cache, or refuse to
# start with SLUICE_AOT=on (-XX:AOTMode=on). Not through bin/sluice itself: its -Xshare:auto is
# rejected together with -XX:AOTCacheOutput. Keep `vm_opts` equal to the launcher's opts.
# The classes this run loads and the methods it profiles are the ones that start fast later, so
# point it at a representative run (a partition against the sandbox and embedded PostgreSQL);
# as root it trains as SLUICE_UID (embedded PostgreSQL refuses to run as root).
set -euo pipefail
out="${1:?usage: aot-train.sh OUTPUT.aot [sluice arguments...]}"
shift
[ $# -gt 0 ] || set -- --help
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
jar="${SLUICE_JAR:-$here/target/sluice.jar}"
java="${SLUICE_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
vm_opts=(-XX:+UseSerialGC)
uid="${SLUICE_UID:-10001}"
cmd=("$java")
rm -f "$out"
if [ "$(id -u)" = 0 ] && [ "$uid" != 0 ]; then
  scratch="$(mktemp -d)"  # the JVM writes the cache as $uid; root moves it into place
  chown "$uid:$uid" "$scratch"
  cmd=(setpriv --reuid="$uid" --regid="$uid" --clear-groups env HOME="$scratch" "$java")
  final="$out"
  out="$scratch/sluice.aot"
fi
# shellcheck disable=SC2086
"${cmd[@]}" "${vm_opts[@]}" -XX:AOTCacheOutput="$out" ${SLUICE_JAVA_OPTS:-} -jar "$jar" "$@"
if [ -n "${final:-}" ]; then
  mv "$out" "$final" && chown 0:0 "$final" && chmod 0644 "$final" && rm -rf "$scratch"
  out="$final"
fi
[ -s "$out" ] || { echo "aot-train.sh: the training run wrote no cache at $out" >&2; exit 1; }
echo "aot-train.sh: $(du -h "$out" | cut -f1) AOT cache at $out, trained on: sluice $*"
