#!/usr/bin/env bash
# Installs whatever connectd's build, tests and demo need and is missing, then compiles.
# Idempotent: with everything in place it only checks (a few seconds) and runs an incremental tsc.
#   a. Debian packages: the -dev libraries librdkafka links against, a Java 17 JDK, Maven, and
#      Prometheus (for its promtool only: test/metrics/promtool.test.ts lints /metrics with it), strace,
#      Chromium (headless, for the browser-level cross-site request test)
#   b. npm packages from package-lock.json (librdkafka is compiled from source: CKJS_LINKING=dynamic),
#      the Kafka binding patched with patches/kafka-javascript-batch-produce.patch and its librdkafka
#      with patches/librdkafka-empty-metadata.patch before it is built
#   c. Apache Kafka jars (version pinned in tools/kafka/pom.xml) into .cache/kafka/<version>/libs
#   c2. S3Proxy jars (version pinned in tools/s3/pom.xml) into .cache/s3proxy/<version>/libs
#   c3. Kafka Connect + ProducerPerformance jars (tools/kafka-connect/pom.xml, the broker's version)
#       into .cache/kafka-connect/<version>/libs, for the benchmark's Java contenders
#   c4. Apicurio Registry (tools/schema-registry/pom.xml), a Schema Registry with Confluent's API,
#       into .cache/apicurio-registry/<version>/app, for the AvroConverter's real-registry test
#   d. tsc -p tsconfig.json (fails on type errors), then tsc -p tsconfig.sdk.json: the SDK's .d.ts
#      files, which the package exports connectd/sdk and connectd/sdk/testing give connector authors
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

# The binding's build reads this from the environment only (not from .npmrc): link librdkafka
# against the system's zlib/OpenSSL/zstd/curl instead of downloading their sources (no network).
export CKJS_LINKING=dynamic
# No JOBS=max for node-gyp: the binding's deps/librdkafka.gyp runs two actions (configure, which
# writes config.h, then make, which reads it), and a parallel make can start the second before the
# first ("No rule to make target '../deps/librdkafka/config.h'": CI failed so on 2026-12-08, in a
# clean clone). librdkafka itself is still built with make -j, by the second action.
# Never a prebuilt binary for the binding (node-pre-gyp downloads one when it can reach GitHub): it
# would lack patches/kafka-javascript-batch-produce.patch. Read by node-pre-gyp for this package only.
export npm_config_build_from_source=@confluentinc/kafka-javascript

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: ERROR: %s\n' "$*" >&2; exit 1; }

# --- a. Debian packages ---------------------------------------------------------------------
DEB_LIBS=(zlib1g-dev libssl-dev libzstd-dev libcurl4-openssl-dev libsasl2-dev liblz4-dev)
missing=()
for p in "${DEB_LIBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null || [ -z "$(java_major)" ]; then
  missing+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || missing+=(maven)
# Debian ships promtool only in the server's package (~19 MB download, ~96 MB installed); where
# services start on install (not in a container with policy-rc.d), it also starts a Prometheus
# server on :9090, which nothing of connectd's uses.
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# strace: test/cli/systemd-hardening.test.ts lists the daemon's system calls against the unit's filter.
command -v strace >/dev/null 2>&1 || missing+=(strace)
# chromium: test/rest/rest-hardening.test.ts drives it headless, as a page on another site trying
# cross-site requests against the REST API. The largest package here: ~113 MB to download, ~414 MB
# installed, 25 packages with --no-install-recommends (42 s on the 2-core dev machine).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    die "missing Debian packages (${missing[*]}) and not root, no sudo: install them with apt-get as root"
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  command -v java >/dev/null 2>&1 && [ "$(java_major)" -ge 17 ] || die "Java 17+ is still not the default java: $(java -version 2>&1 | head -n1)"
  command -v promtool >/dev/null 2>&1 || die "promtool is still not on PATH after installing Debian's prometheus package"
else
  say "Debian packages present (java $(java_major), $(mvn -v 2>/dev/null | sed -n '1s/\x1b\[[0-9;]*m//g; 1s/^Apache Maven \([^ ]*\).*/maven \1/p'), $(promtool --version 2>&1 | sed -n '1s/^promtool, version \([^ ]*\).*/promtool \1/p'))"
fi

# --- b. npm packages ------------------------------------------------------------------------
# Up to date when every package of package-lock.json is installed at its locked version
# (node_modules/.package-lock.json is npm's record of what is installed); optional packages
# (other platforms) may be absent.
npm_up_to_date() {
  [ -f node_modules/.package-lock.json ] || return 1
  node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages || {};
    const have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages || {};
    for (const [path, p] of Object.entries(want)) {
      if (path === "" || p.link) continue;
      const h = have[path];
      if (!h) { if (p.optional) continue; console.error("missing " + path); process.exit(1); }
      if (p.version && h.version !== p.version) { console.error(path + " " + h.version + " != " + p.version); process.exit(1); }
    }
  '
}
binding_loads() { node -e "require('@confluentinc/kafka-javascript')" >/dev/null 2>&1; }
# The built binding has the patch's native methods (connectd falls back to produce() without them).
binding_has_batch() {
  node -e "
    const { Producer } = require('@confluentinc/kafka-javascript');
    const client = new Producer({ 'bootstrap.servers': '127.0.0.1:1' }).getClient();
    process.exit(typeof client.produceBatch === 'function' && typeof client.setDeliveryBatchCallback === 'function' ? 0 : 1);
  " >/dev/null 2>&1
}
# The binding's sources, patched in place (git apply works in a clone and in an export alike):
# its C++ (native batch produce) and the librdkafka it bundles (a Metadata answer with no broker).
BINDING_DIR=node_modules/@confluentinc/kafka-javascript
BINDING_PATCHES=(patches/kafka-javascript-batch-produce.patch patches/librdkafka-empty-metadata.patch)
patch_binding_sources() {
  local patch
  for patch in "${BINDING_PATCHES[@]}"; do
    if git apply --check -R --directory="$BINDING_DIR" "$patch" 2>/dev/null; then
      continue
    fi
    git apply --directory="$BINDING_DIR" "$patch" \
      || die "$patch does not apply to $BINDING_DIR (has @confluentinc/kafka-javascript moved? update the patch)"
    say "patched the Kafka binding's sources ($patch)"
  done
}
# What the built binary was compiled from: the patches' hash, written after each build. A binary
# built before a patch changed (or was added) is rebuilt, as its librdkafka cannot be asked.
BINDING_STAMP=$BINDING_DIR/build/connectd-patches.sha256
patches_hash() { cat "${BINDING_PATCHES[@]}" | sha256sum | cut -d' ' -f1; }
binding_built_from_patches() { [[ -f $BINDING_STAMP && $(cat "$BINDING_STAMP") == "$(patches_hash)" ]]; }
stamp_binding() { patches_hash >"$BINDING_STAMP"; }

if npm_up_to_date 2>/dev/null; then
  say "npm packages up to date"
else
  # Install without running install scripts, patch the binding, then run them all (npm rebuild
  # runs every package's install script as npm ci would): the binding is compiled once, patched.
  say "installing npm packages (npm ci, then the patched binding is compiled: ~4 min the first time)"
  npm ci --no-audit --no-fund --ignore-scripts
  patch_binding_sources
  npm rebuild
  stamp_binding
  # tap compiles its plugin set (package.json "tap.plugin") into node_modules/@tapjs/test; done here,
  # where node_modules is being written anyway, rather than by the first test run (tap rebuilds by
  # itself whenever the set it finds differs from the configured one).
  npx --no-install tap build >/dev/null || die "tap could not build its plugin set (package.json \"tap.plugin\")"
fi
patch_binding_sources
if ! binding_loads || ! binding_has_batch || ! binding_built_from_patches; then
  say "the Kafka binding does not load, lacks the patch's batch methods, or was built before ${BINDING_PATCHES[*]} as they are: rebuilding it (~4 min)"
  npm rebuild @confluentinc/kafka-javascript
  binding_loads || die "@confluentinc/kafka-javascript still does not load: $(node -e "require('@confluentinc/kafka-javascript')" 2>&1 | grep -m1 -i error)"
  binding_has_batch || die "@confluentinc/kafka-javascript was rebuilt but lacks produceBatch: is ${BINDING_PATCHES[0]} applied to $BINDING_DIR/src?"
  stamp_binding
fi
say "Kafka binding loads, with native batch produce (librdkafka $(node -p "require('@confluentinc/kafka-javascript').librdkafkaVersion"))"

# --- c. Kafka jars --------------------------------------------------------------------------
KAFKA_VERSION=$(sed -n 's:.*<kafka\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</kafka\.version>.*:\1:p' tools/kafka/pom.xml | head -n1)
[ -n "$KAFKA_VERSION" ] || die "no <kafka.version> in tools/kafka/pom.xml"
KAFKA_DIR="$ROOT/.cache/kafka/$KAFKA_VERSION"
LIBS="$KAFKA_DIR/libs"
POM_SUM=$(sha256sum tools/kafka/pom.xml | cut -d' ' -f1)
if [ -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ] && [ "$(cat "$KAFKA_DIR/pom.sha256" 2>/dev/null)" = "$POM_SUM" ]; then
  say "Kafka $KAFKA_VERSION jars cached in .cache/kafka/$KAFKA_VERSION/libs"
else
  say "resolving Kafka $KAFKA_VERSION jars with Maven"
  mkdir -p "$KAFKA_DIR"
  tmp=$(mktemp -d "$KAFKA_DIR/libs.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # outputDirectory must be absolute: a relative one is taken relative to the pom's folder.
  # (Debian's Maven prints ANSI resets even in batch mode: strip them.)
  mvn -q -B -f tools/kafka/pom.xml dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g' || die "Maven could not resolve the Kafka jars (see above)"
  [ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ] || die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is not among the jars"
  rm -rf "$LIBS" "$KAFKA_DIR/broker.jsa"
  mv "$tmp" "$LIBS"
  trap - EXIT
  echo "$POM_SUM" > "$KAFKA_DIR/pom.sha256"
  say "Kafka $KAFKA_VERSION: $(ls "$LIBS" | wc -l) jars in .cache/kafka/$KAFKA_VERSION/libs"
fi

# --- c2. S3Proxy jars (the S3-compatible server of the S3 source connector's tests) -------------
S3PROXY_VERSION=$(sed -n 's:.*<s3proxy\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</s3proxy\.version>.*:\1:p' tools/s3/pom.xml | head -n1)
[ -n "$S3PROXY_VERSION" ] || die "no <s3proxy.version> in tools/s3/pom.xml"
S3PROXY_DIR="$ROOT/.cache/s3proxy/$S3PROXY_VERSION"
S3PROXY_POM_SUM=$(sha256sum tools/s3/pom.xml | cut -d' ' -f1)
if [ -f "$S3PROXY_DIR/libs/s3proxy-$S3PROXY_VERSION.jar" ] && [ "$(cat "$S3PROXY_DIR/pom.sha256" 2>/dev/null)" = "$S3PROXY_POM_SUM" ]; then
  say "S3Proxy $S3PROXY_VERSION jars cached in .cache/s3proxy/$S3PROXY_VERSION/libs"
else
  say "resolving S3Proxy $S3PROXY_VERSION jars with Maven"
  mkdir -p "$S3PROXY_DIR"
  tmp=$(mktemp -d "$S3PROXY_DIR/libs.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mvn -q -B -f tools/s3/pom.xml dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g' || die "Maven could not resolve the S3Proxy jars (see above)"
  [ -f "$tmp/s3proxy-$S3PROXY_VERSION.jar" ] || die "Maven finished but s3proxy-$S3PROXY_VERSION.jar is not among the jars"
  rm -rf "$S3PROXY_DIR/libs"
  mv "$tmp" "$S3PROXY_DIR/libs"
  trap - EXIT
  echo "$S3PROXY_POM_SUM" > "$S3PROXY_DIR/pom.sha256"
  say "S3Proxy $S3PROXY_VERSION: $(ls "$S3PROXY_DIR/libs" | wc -l) jars in .cache/s3proxy/$S3PROXY_VERSION/libs"
fi

# --- c3. Kafka Connect and kafka-tools jars (the benchmark's Java contenders, bench/compare.ts) --
CONNECT_VERSION=$(sed -n 's:.*<kafka\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</kafka\.version>.*:\1:p' tools/kafka-connect/pom.xml | head -n1)
[ "$CONNECT_VERSION" = "$KAFKA_VERSION" ] || die "tools/kafka-connect/pom.xml pins Kafka ${CONNECT_VERSION:-nothing}, the broker (tools/kafka/pom.xml) $KAFKA_VERSION: they must be the same"
CONNECT_DIR="$ROOT/.cache/kafka-connect/$CONNECT_VERSION"
CONNECT_POM_SUM=$(sha256sum tools/kafka-connect/pom.xml | cut -d' ' -f1)
if [ -f "$CONNECT_DIR/libs/connect-file-$CONNECT_VERSION.jar" ] && [ -f "$CONNECT_DIR/libs/kafka-tools-$CONNECT_VERSION.jar" ] \
  && [ "$(cat "$CONNECT_DIR/pom.sha256" 2>/dev/null)" = "$CONNECT_POM_SUM" ]; then
  say "Kafka Connect $CONNECT_VERSION jars cached in .cache/kafka-connect/$CONNECT_VERSION/libs"
else
  say "resolving Kafka Connect $CONNECT_VERSION jars with Maven"
  mkdir -p "$CONNECT_DIR"
  tmp=$(mktemp -d "$CONNECT_DIR/libs.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mvn -q -B -f tools/kafka-connect/pom.xml dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g' || die "Maven could not resolve the Kafka Connect jars (see above)"
  [ -f "$tmp/connect-file-$CONNECT_VERSION.jar" ] || die "Maven finished but connect-file-$CONNECT_VERSION.jar is not among the jars"
  rm -rf "$CONNECT_DIR/libs"
  mv "$tmp" "$CONNECT_DIR/libs"
  trap - EXIT
  echo "$CONNECT_POM_SUM" > "$CONNECT_DIR/pom.sha256"
  say "Kafka Connect $CONNECT_VERSION: $(ls "$CONNECT_DIR/libs" | wc -l) jars in .cache/kafka-connect/$CONNECT_VERSION/libs"
fi

# --- c4. Apicurio Registry (a real Schema Registry API for the AvroConverter's test) -------------
# Maven Central's ready-to-run assembly (a 104 MiB tar.gz, 115 MiB unpacked: ~25 s to fetch and
# unpack here), unpacked with tar: see tools/schema-registry/pom.xml.
REGISTRY_VERSION=$(sed -n 's:.*<apicurio\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</apicurio\.version>.*:\1:p' tools/schema-registry/pom.xml | head -n1)
[ -n "$REGISTRY_VERSION" ] || die "no <apicurio.version> in tools/schema-registry/pom.xml"
REGISTRY_DIR="$ROOT/.cache/apicurio-registry/$REGISTRY_VERSION"
REGISTRY_JAR="apicurio-registry-app-$REGISTRY_VERSION-runner.jar"
REGISTRY_POM_SUM=$(sha256sum tools/schema-registry/pom.xml | cut -d' ' -f1)
if [ -f "$REGISTRY_DIR/app/$REGISTRY_JAR" ] && [ "$(cat "$REGISTRY_DIR/pom.sha256" 2>/dev/null)" = "$REGISTRY_POM_SUM" ]; then
  say "Apicurio Registry $REGISTRY_VERSION cached in .cache/apicurio-registry/$REGISTRY_VERSION/app"
else
  say "fetching Apicurio Registry $REGISTRY_VERSION with Maven"
  mkdir -p "$REGISTRY_DIR"
  tmp=$(mktemp -d "$REGISTRY_DIR/app.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mvn -q -B -f tools/schema-registry/pom.xml dependency:copy -Dregistry.dir="$tmp/download" 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g' || die "Maven could not fetch the Apicurio Registry assembly (see above)"
  archive="$tmp/download/apicurio-registry-app-$REGISTRY_VERSION-all.tar.gz"
  [ -f "$archive" ] || die "Maven finished but $(basename "$archive") is not there"
  mkdir "$tmp/app"
  tar -xzf "$archive" -C "$tmp/app" || die "could not unpack $(basename "$archive")"
  [ -f "$tmp/app/$REGISTRY_JAR" ] || die "the Apicurio Registry assembly has no $REGISTRY_JAR"
  rm -rf "$REGISTRY_DIR/app"
  mv "$tmp/app" "$REGISTRY_DIR/app"
  rm -rf "$tmp"
  trap - EXIT
  echo "$REGISTRY_POM_SUM" > "$REGISTRY_DIR/pom.sha256"
  say "Apicurio Registry $REGISTRY_VERSION: $(ls "$REGISTRY_DIR/app/lib" | wc -l) jars in .cache/apicurio-registry/$REGISTRY_VERSION/app"
fi

# --- d. Build -------------------------------------------------------------------------------
say "compiling (tsc)"
if ! npx --no-install tsc -p tsconfig.json; then
  die "TypeScript compilation failed (type errors above)"
fi
# Incremental like the main build (dist/.tsbuildinfo-sdk): seconds when the SDK did not change.
if ! npx --no-install tsc -p tsconfig.sdk.json; then
  die "the SDK's type declarations did not compile (errors above)"
fi

# --- e. The broker's class-data-sharing archive (tools/kafka/cds.ts) ----------------------------
# Test brokers boot on ~45 % less CPU with it, and most test files start one. Made once per Kafka
# version (~15 s); removed above when the jars are resolved again. Without it brokers boot as usual.
if [ ! -f "$KAFKA_DIR/broker.jsa" ]; then
  say "making the Kafka broker's class-data-sharing archive"
  node dist/tools/kafka/cds.js || say "no class-data-sharing archive: brokers boot without one"
fi
say "ready"
