#!/usr/bin/env bash
# The README's test command: runs every test project of the solution and writes one TRX file per project.
cd "$(dirname "$0")/.."
exec dotnet test Flax.MLNet.sln -c Release --logger "trx;LogFilePrefix=results" --results-directory TestResults "$@"
