#!/usr/bin/env bash
# Regenerates transforms.json from the real connect-transforms 4.1.1 (the jars Kafka 4.1.1 ships,
# in .cache/kafka/4.1.1/libs, which tools/kafka fetches). Reuses Describe from tools/vectors.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../../.."
libs=".cache/kafka/4.1.1/libs/*"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -nowarn -d "$out" -cp "$libs" -sourcepath tools/vectors/src/main/java test/unit/transforms/vectors/TransformVectors.java
java -cp "$out:$libs" dev.connectd.vectors.TransformVectors test/unit/transforms/vectors/transforms.json
