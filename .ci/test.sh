#!/usr/bin/env bash
# The README's test command: installs the Debian packages the tests use (the ONNX checker, msgpack/numpy for
# checkpoint fixtures, Fashion-MNIST), then runs every test project of the solution, one TRX file per project, then
# packs the NuGet packages and runs a fresh project that consumes them (.ci/consume.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
need=()
for p in python3-onnx python3-msgpack python3-numpy dataset-fashion-mnist; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}") \
    >/tmp/flax-apt.log 2>&1 || echo "warning: apt-get install ${need[*]} failed (see /tmp/flax-apt.log)" >&2
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet test Flax.MLNet.sln -c Release --logger "trx;LogFilePrefix=results" --results-directory TestResults "$@"; rc=$?
bash .ci/consume.sh --no-build || { echo "error: the packages' consumer project failed (.ci/consume.sh)" >&2; rc=1; }
exit $rc
