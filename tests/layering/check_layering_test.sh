#!/usr/bin/env bash
# scripts/check-layering finds what it is for: on a copy of the checkout's layered folders it
# passes as is, then fails with `file:line: rule` for each planted violation of each rule (I/O
# header, clock and environment in the pure folders, includes and links pointing back up, an I/O
# header leaking from a public header), and finds nothing in comments, strings, raw strings or
# digit separators.
# Usage: check_layering_test.sh SOURCE_DIR
set -euo pipefail
src="$1"
check="$src/scripts/check-layering"

fail() {
  echo "check_layering_test: FAIL: $*" >&2
  exit 1
}

copy="$(mktemp -d "${TMPDIR:-/tmp}/costledger-layering-XXXXXX")"
trap 'rm -rf "$copy"' EXIT
for folder in core sources common collector api reports quotas adapters; do cp -r "$src/$folder" "$copy/"; done

"$check" "$copy" >"$copy/clean.out" 2>&1 || fail "the unplanted copy fails: $(cat "$copy/clean.out")"

# plant FILE LINE RULE...: appends LINE to FILE; each RULE must be reported as `FILE:N: RULE...`.
expected=()
plant() {
  local file="$1" line="$2" n
  shift 2
  printf '%s\n' "$line" >>"$copy/$file"
  n="$(wc -l <"$copy/$file")"
  for rule in "$@"; do expected+=("$file:$n: $rule"); done
}
innocent() { printf '%s\n' "$2" >>"$copy/$1"; }

plant core/src/money.cpp '#include <curl/curl.h>' 'core/ is pure (no I/O): it must not include libcurl'
plant core/src/money.cpp '#include <fstream>' 'core/ is pure (no I/O): it must not include <fstream>'
plant core/src/money.cpp '#include <nlohmann/json.hpp>' 'core/ links only fmt and date'
plant core/src/money.cpp '#include "costledger/collector/spool.hpp"' \
  'core/ may include only costledger/model and costledger/ports, not costledger/collector/'
plant core/src/money.cpp '#include "costledger/sources/athena_parser.hpp"' \
  'core/ may include only costledger/model and costledger/ports, not costledger/sources/'
innocent core/src/money.cpp '// std::chrono::system_clock::now() in a comment'
innocent core/src/money.cpp '/* gettimeofday in a'
innocent core/src/money.cpp '   block comment, #include <thread> */'
innocent core/src/money.cpp 'const char* kText = "steady_clock::now() and getenv";'
innocent core/src/money.cpp 'const char* kRaw = R"x(time(nullptr) )" )x"; const int kN = 1'"'"'000;'
plant core/src/money.cpp 'auto t0 = std::chrono::system_clock::now();' 'core/ is pure (no clock)'
plant core/src/money.cpp 'auto t1 = std::time(nullptr);' 'core/ is pure (no clock)'
plant core/src/money.cpp 'auto t2 = time(nullptr);' 'core/ is pure (no clock)'
plant core/src/money.cpp 'const char* e = std::getenv("X");' 'core/ is pure (no globals)'
plant core/include/costledger/ports/cost_reader.hpp '#include <openssl/ssl.h>' \
  'public header includes OpenSSL' 'core/ is pure (no I/O): it must not include OpenSSL'
plant sources/src/athena_parser.cpp '#include <sys/socket.h>' \
  'sources/ is pure (no I/O): it must not include <sys/socket.h>'
plant sources/src/athena_parser.cpp '#include "costledger/ports/interval_store.hpp"' \
  'sources/ may include only costledger/model and costledger/sources'
plant sources/src/athena_parser.cpp 'auto c = std::chrono::steady_clock::now();' \
  'sources/ is pure (no clock)'
plant collector/src/collector.cpp '#include "costledger/postgres/postgres_store.hpp"' \
  'collector/ must not include costledger/postgres/'
plant collector/src/spool.cpp '#include <curl/curl.h>' 'collector/ must not include libcurl'
plant api/src/cost_api.cpp '#include "costledger/fetch/http_fetch.hpp"' \
  'api/ must not include costledger/fetch/'
plant api/src/auth.cpp '#include <pqxx/pqxx>' 'api/ must not include libpqxx'
plant api/src/cost_api.cpp '#include "costledger/collector/spool.hpp"' \
  'api/ must not include costledger/collector/'
plant api/include/costledger/api/cost_metrics.hpp '#include <prometheus/counter.h>' \
  'public header includes prometheus-cpp'
plant reports/src/html_report.cpp '#include "costledger/postgres/postgres_store.hpp"' \
  'reports/ must not include costledger/postgres/'
plant reports/src/csv_report.cpp '#include <pqxx/pqxx>' 'reports/ must not include libpqxx'
plant reports/include/costledger/reports/html_report.hpp '#include <curl/curl.h>' \
  'public header includes libcurl'
plant adapters/postgres/src/read_plan.cpp '#include "costledger/api/http_server.hpp"' \
  'adapters/postgres/ must not include costledger/api/'

# Links: one line per target_link_libraries, appended so the line number is known.
plant core/CMakeLists.txt 'target_link_libraries(costledger_model PRIVATE CURL::libcurl)' \
  'costledger_model (the pure core) links only fmt, date and costledger_warnings, not CURL::libcurl'
plant sources/CMakeLists.txt 'target_link_libraries(costledger_sources PUBLIC costledger::fetch)' \
  'costledger_sources (pure parsers) links only'
plant collector/CMakeLists.txt 'target_link_libraries(costledger_collector PRIVATE costledger::postgres)' \
  'costledger_collector must not link costledger::postgres'
plant api/CMakeLists.txt 'target_link_libraries(costledger_api PRIVATE costledger::collector)' \
  'costledger_api must not link costledger::collector'
plant quotas/src/quota_board.cpp '#include "costledger/postgres/postgres_store.hpp"' \
  'quotas/ must not include costledger/postgres/'
plant quotas/CMakeLists.txt 'target_link_libraries(costledger_quotas PRIVATE costledger::delivery)' \
  'costledger_quotas must not link costledger::delivery'
plant reports/CMakeLists.txt 'target_link_libraries(costledger_reports PRIVATE costledger::postgres)' \
  'costledger_reports must not link costledger::postgres'
plant adapters/fetch/CMakeLists.txt 'target_link_libraries(costledger_fetch PUBLIC CURL::libcurl)' \
  'costledger_fetch links CURL::libcurl PUBLIC'
plant adapters/delivery/src/smtp_mail_sender.cpp '#include "costledger/postgres/postgres_store.hpp"' \
  'adapters/delivery/ must not include costledger/postgres/'
plant adapters/delivery/include/costledger/delivery/smtp_mail_sender.hpp '#include <curl/curl.h>' \
  'public header includes libcurl'
plant api/src/cost_api.cpp '#include "costledger/delivery/smtp_mail_sender.hpp"' \
  'api/ must not include costledger/delivery/'
plant adapters/delivery/CMakeLists.txt 'target_link_libraries(costledger_delivery PUBLIC OpenSSL::SSL)' \
  'costledger_delivery links OpenSSL::SSL PUBLIC'
plant collector/CMakeLists.txt 'target_link_libraries(costledger_collector PRIVATE costledger::delivery)' \
  'costledger_collector must not link costledger::delivery'

set +e
"$check" "$copy" >"$copy/planted.out" 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "exit status $rc with planted violations, expected 1"
for e in "${expected[@]}"; do
  grep -qF -- "$e" "$copy/planted.out" || fail "no finding '$e'; it printed:
$(cat "$copy/planted.out")"
done
# Every finding is a planted one: nothing in comments, strings or digit separators.
found="$(wc -l <"$copy/planted.out")"
[ "$found" -eq "${#expected[@]}" ] || fail "$found findings for ${#expected[@]} planted:
$(cat "$copy/planted.out")"
echo "check_layering_test: ${#expected[@]} planted violations found, nothing else"
