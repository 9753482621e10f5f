#!/usr/bin/env bash
# Packs Flax.Onnx and Flax.MLNet into a local folder feed and builds and runs a fresh console project outside the
# repository (.ci/consumer, copied to a temporary folder) that references them by PackageReference only.
# The version is unique per run (0.0.0-ci.<time>.<pid>) and removed from the NuGet cache afterwards, so the repository's
# own restores never see a consumer package. Pass --no-build when the Release build is current (.ci/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
version="0.0.0-ci.$(date +%s).$$"
work=$(mktemp -d)
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() {
  rm -rf "$work" "$cache/flax.onnx/$version" "$cache/flax.mlnet/$version"
  rmdir "$cache/flax.onnx" "$cache/flax.mlnet" 2>/dev/null || true
}
trap cleanup EXIT
for project in Flax.Onnx Flax.MLNet; do
  dotnet pack "$project/$project.csproj" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet "$@"
done
mkdir "$work/app"
cp .ci/consumer/Program.cs .ci/consumer/Consumer.csproj "$work/app/"
cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
CONFIG
cp -r "$work/app" "$work/app-without-native"
dotnet run --project "$work/app/Consumer.csproj" -c Release -p:FlaxVersion="$version"
dotnet run --project "$work/app-without-native/Consumer.csproj" -c Release -p:FlaxVersion="$version" \
  -p:ExcludeCpuRuntime=true -- --without-native-runtime
