#!/usr/bin/env bash
# The whole suite after tools/bootstrap.sh has compiled everything (npm test runs both):
# lint, then every test/**/*.test.ts (compiled to dist/test/**/*.test.js) under tap.
# The last line printed is always `N passed, N failed` (test points across the run, from tap's
# own summary; a lint failure or a tap run that failed without a failing point counts as one
# failed point); the exit status is non-zero if anything failed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

extra_failed=0

echo "test: lint (eslint .)"
if npx --no-install eslint .; then
  echo "test: lint ok"
else
  echo "test: lint FAILED"
  extra_failed=$((extra_failed + 1))
fi

# The formatter (.prettierrc.json): `npx prettier --write "**/*.ts" eslint.config.js` fixes what this reports.
echo "test: format (prettier --check)"
if npx --no-install prettier --check --log-level=warn "**/*.ts" eslint.config.js; then
  echo "test: format ok"
else
  echo "test: format FAILED (run: npx prettier --write \"**/*.ts\" eslint.config.js)"
  extra_failed=$((extra_failed + 1))
fi

# The compiled counterparts of the test sources that exist now (dist/ may still hold the output
# of a test file that was deleted or renamed since).
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | LC_ALL=C sort | sed 's#^#dist/#; s#\.ts$#.js#')
if [ ${#files[@]} -eq 0 ]; then
  echo "test: no test files under test/"
  echo "0 passed, $((extra_failed + 1)) failed"
  exit 1
fi

# Test files at once (tap --jobs), each with its own broker. Most of an integration test's time is
# spent waiting (timeouts, polls, a broker's restart), so three files share the 2-core machine
# better than tap's default of one per core; CONNECTD_TEST_JOBS overrides.
jobs=${CONNECTD_TEST_JOBS:-3}

# The brokers and Kafka Connect workers the tests start run C1 only (tools/tied-process.ts).
export FIXTURE_JVM_ARGS=${FIXTURE_JVM_ARGS:--XX:TieredStopAtLevel=1}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "test: tap (${#files[@]} files, $jobs at a time)"
# --disable-coverage: tap 21 otherwise fails any run whose coverage is incomplete.
# --timeout: per test file; integration tests start real brokers.
# --node-arg: test/fixtures/untracked-children.ts keeps tap's process tracking out of the processes
# a test starts (about 1 s of CPU per connectd start otherwise).
npx --no-install tap --disable-coverage --timeout=600 --jobs="$jobs" --reporter=tap \
  --node-arg="--import=$PWD/dist/test/fixtures/untracked-children.js" "${files[@]}" 2>&1 | tee "$out"
tap_rc=${PIPESTATUS[0]}

# tap's summary, e.g. `# { total: 12, pass: 6, fail: 4, todo: 1, skip: 1 }` (leaf test points).
summary=$(grep -E '^# \{ total: [0-9]+' "$out" | tail -n1 || true)
field() { printf '%s\n' "$summary" | sed -n "s/.*[{ ]$1: \([0-9][0-9]*\).*/\1/p"; }
passed=$(field pass); passed=${passed:-0}
failed=$(field fail); failed=${failed:-0}
skipped=$(( $(field skip || true) + 0 ))
todo=$(( $(field todo || true) + 0 ))
if [ "$tap_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test: tap exited with status $tap_rc without a failing test point${summary:+ ($summary)}"
  failed=1
fi
failed=$((failed + extra_failed))

# The failing points again, at the end where a truncated CI log still shows them: each `not ok`
# line with the test file it belongs to (the top-level `# Subtest: dist/test/...` above it).
if grep -qE '^\s*not ok' "$out"; then
  echo "test: failing points (file: point):"
  awk '/^# Subtest: dist\/test\//{file=$3} /^[[:space:]]*not ok/{sub(/^[[:space:]]*/, ""); print "  " file ": " $0}' "$out" | head -n 40
fi
if [ $((skipped + todo)) -gt 0 ]; then
  echo "test: $skipped skipped, $todo todo"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
