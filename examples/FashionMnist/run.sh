#!/usr/bin/env bash
# The README's main job: trains the Flax-style CNN on Fashion-MNIST inside an ML.NET pipeline and compares it with
# ML.NET's LbfgsMaximumEntropy. Installs Debian's dataset-fashion-mnist first when it is missing and we are root;
# without it the example falls back to the 1000-image subset shipped in examples/FashionMnist/data.
# Extra arguments go to the program (--help lists them), e.g. --epochs 1 --limit 6000 for a quick smoke run.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dataset-fashion-mnist) \
    >/tmp/flax-fashion-apt.log 2>&1 || echo "warning: could not install dataset-fashion-mnist; using the shipped subset" >&2
fi
exec dotnet run -c Release --project examples/FashionMnist -- "$@"
