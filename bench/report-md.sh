#!/usr/bin/env bash
# Renders a results.json of bench/run-bench.sh as Markdown tables (for BENCHMARKS.md):
# the machine, the per-corpus restore table, the scaling table (cost per MB) and the
# in-memory engine figures.    bash bench/report-md.sh build-bench/results/results.json
#      bash bench/report-md.sh --scaling A/results.json B/results.json ...: only the scaling
#      table, over the 100-file corpora of several runs (e.g. 100 MB/1 GB and 4 GB run apart)
#      bash bench/report-md.sh --compare OLD/results.json NEW/results.json: the corpora of both
#      runs side by side (native and RestoreFiles seconds, ratios to cp, CPU use, RSS)
set -euo pipefail
if [ "${1:-}" = --scaling ]; then
    shift
    [ $# -gt 0 ] || { echo "usage: report-md.sh --scaling results.json..." >&2; exit 2; }
    echo "| corpus | commit | MB | native s | native ms/MB | native CPU ms/MB | CPU use | cp ms/MB | read calls/MB | chunk refs | peak RSS MiB | RestoreFiles ms/MB | load1 |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    jq -r -s 'def f(n): if . == null then "-" else (. * pow(10; n) | round / pow(10; n) | tostring) end;
      [.[] | .machine.commit as $c | .corpora[] | select(.files == 100) | . + {commit: $c}] |
      sort_by(.dedup_target, .logical_bytes) | .[] | (.logical_bytes / 1e6) as $mb |
      "| \(.name) | \(.commit) | \($mb | f(0)) | \(.native.wall | f(3)) | \(.native.wall * 1000 / $mb | f(2)) | \((.native.user + .native.sys) * 1000 / $mb | f(2)) | \(.native.cpu_utilisation // ((.native.user + .native.sys) / .native.wall) | f(2)) | \(.cp.wall * 1000 / $mb | f(2)) | \(.native.read_calls / $mb | f(3)) | \(.native.chunk_refs) | \(.native.peak_rss_kib / 1024 | f(1)) | \(if .wine.restorefiles_seconds == null then null else .wine.restorefiles_seconds * 1000 / $mb end | f(2)) | \(.load1) |"' "$@"
    exit 0
fi
if [ "${1:-}" = --compare ]; then
    [ $# -eq 3 ] || { echo "usage: report-md.sh --compare OLD/results.json NEW/results.json" >&2; exit 2; }
    echo "| corpus | cp s old / new | native s old | native s new | new / old | x cp old | x cp new | CPU use old / new | RSS MiB old / new | RestoreFiles s old | RestoreFiles s new | new / old | x cp old | x cp new |"
    echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    jq -r -n --slurpfile a "$2" --slurpfile b "$3" '
      def f(n): if . == null then "-" else (. * pow(10; n) | round / pow(10; n) | tostring) end;
      def util: if .native.wall > 0 then (.native.user + .native.sys) / .native.wall else null end;
      ($a[0].corpora | map({key: .name, value: .}) | from_entries) as $old |
      $b[0].corpora[] | select($old[.name] != null) | $old[.name] as $o |
      "| \(.name) | \($o.cp.wall | f(3)) / \(.cp.wall | f(3)) | \($o.native.wall | f(3)) | \(.native.wall | f(3)) | \(.native.wall / $o.native.wall | f(2)) | \($o.native.ratio_vs_cp | f(2)) | \(.native.ratio_vs_cp | f(2)) | \($o | util | f(2)) / \(util | f(2)) | \($o.native.peak_rss_kib / 1024 | f(1)) / \(.native.peak_rss_kib / 1024 | f(1)) | \($o.wine.restorefiles_seconds | f(3)) | \(.wine.restorefiles_seconds | f(3)) | \(if $o.wine.restorefiles_seconds == null or .wine.restorefiles_seconds == null then null else .wine.restorefiles_seconds / $o.wine.restorefiles_seconds end | f(2)) | \($o.wine.ratio_vs_cp_restorefiles | f(2)) | \(.wine.ratio_vs_cp_restorefiles | f(2)) |"'
    exit 0
fi
r=${1:?usage: report-md.sh results.json}

jq -r '.machine | "- Date: \(.date); commit \(.commit)\(if .dirty then " plus uncommitted changes of the working tree" else "" end); threads option: \(.threads_option // "default"); CPUs: \(.cpus // "all")\n- CPU: \(.cpu), \(.nproc) cores (nproc); RAM \(.mem_kib / 1048576 * 10 | round / 10) GiB; kernel \(.kernel); work file system \(.work_fs)\n- Load average (1/5/15 min): \(.load_at_start) at start, \(.load_at_end) at end (shared machine)"' "$r"
echo
echo "### Engine counters and CPU use (native ddp-restore; \"-\" = not in ddp-restore's --json report)"
echo
echo "CPU use = (user + sys) / wall: above 1 means more than one core was busy."
echo
echo "| corpus | threads | native s | user s | sys s | CPU use | read calls | coalesced runs | calls / run | commit calls | Wine CPU use |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
jq -r 'def f(n): if . == null then "-" else (. * pow(10; n) | round / pow(10; n) | tostring) end;
  .corpora[] | "| \(.name) | \(.native.threads // "-") | \(.native.wall | f(3)) | \(.native.user | f(2)) | \(.native.sys | f(2)) | \(.native.cpu_utilisation | f(2)) | \(.native.read_calls) | \(.native.coalesced_runs // "-") | \(.native.calls_per_run | f(3)) | \(.native.commit_calls // "-") | \(.wine.cpu_utilisation | f(2)) |"' "$r"
echo
echo "### Restore against cp (wall seconds; x = cp time / restore time = restore MB/s / cp MB/s)"
echo
echo "| corpus | files | MB | refs/unique | store MB | cp s | cp MB/s | cp+sync s | native s | native MB/s | x cp | x cp+sync | native CPU s | peak RSS MiB | read calls | bytes / min | back seeks | Wine s | x cp | RestoreFiles s | x cp | Wine reads | load1 |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
jq -r 'def f(n): if . == null then "-" else (. * pow(10; n) | round / pow(10; n) | tostring) end;
  .corpora[] | "| \(.name) | \(.files) | \(.logical_bytes / 1e6 | f(1)) | \(.dedup_refs_ratio | f(2)) | \(.store_bytes_on_disk / 1e6 | f(1)) | \(.cp.wall | f(3)) | \(.cp.mb_s | f(0)) | \(.cp_sync.wall | f(3)) | \(.native.wall | f(3)) | \(.native.mb_s | f(0)) | \(.native.ratio_vs_cp | f(2)) | \(.native.ratio_vs_cp_sync | f(2)) | \((.native.user + .native.sys) | f(2)) | \(.native.peak_rss_kib / 1024 | f(1)) | \(.native.read_calls) | \(.native.bytes_vs_minimum | f(4)) | \(.native.backward_seeks) | \(.wine.wall | f(2)) | \(.wine.ratio_vs_cp | f(2)) | \(.wine.restorefiles_seconds | f(3)) | \(.wine.ratio_vs_cp_restorefiles | f(2)) | \(.wine.read_calls) | \(.load1) |"' "$r"
echo
echo "### Without fsync (eatmydata): restore time when durability costs nothing"
echo
echo "| corpus | cp s | native s | native no-fsync s | x cp | RestoreFiles s | RestoreFiles no-fsync s | x cp |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|"
jq -r 'def f(n): if . == null then "-" else (. * pow(10; n) | round / pow(10; n) | tostring) end;
  .corpora[] | select(.native_nosync != null) | "| \(.name) | \(.cp.wall | f(3)) | \(.native.wall | f(3)) | \(.native_nosync.wall | f(3)) | \(.native_nosync.ratio_vs_cp | f(2)) | \(.wine.restorefiles_seconds | f(3)) | \(.wine.restorefiles_seconds_nosync | f(3)) | \(.wine.ratio_vs_cp_restorefiles_nosync | f(2)) |"' "$r"
echo
echo "### Scaling (100-file corpora; cost per logical MB)"
echo
echo "| corpus | MB | native ms/MB | native CPU ms/MB | cp ms/MB | read calls/MB | peak RSS MiB | RestoreFiles ms/MB |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|"
jq -r 'def f(n): if . == null then "-" else (. * pow(10; n) | round / pow(10; n) | tostring) end;
  .corpora[] | select(.files == 100) | (.logical_bytes / 1e6) as $mb |
  "| \(.name) | \($mb | f(0)) | \(.native.wall * 1000 / $mb | f(2)) | \((.native.user + .native.sys) * 1000 / $mb | f(2)) | \(.cp.wall * 1000 / $mb | f(2)) | \(.native.read_calls / $mb | f(3)) | \(.native.peak_rss_kib / 1024 | f(1)) | \(if .wine.restorefiles_seconds == null then null else .wine.restorefiles_seconds * 1000 / $mb end | f(2)) |"' "$r"
echo
echo "### In-memory engine (ddp-bench-restore: its own corpus, store in memory, no file system)"
echo
echo "| MiB | threads option | MB/s | CPU use | read calls | coalesced runs | calls / run | bytes / min | back seeks | peak RSS MiB (incl. corpus and store in memory) |"
echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
jq -r 'def f(n): if . == null then "-" else (. * pow(10; n) | round / pow(10; n) | tostring) end;
  .in_memory_engine[] | "| \(.mib) | \(.threads_option // "-") | \(.mb_s) | \(.cpu_utilisation | f(2)) | \(.read_calls) | \(.coalesced_runs // "-") | \(.calls_per_run | f(3)) | \(.bytes_read / .minimum * 10000 | round / 10000) | \(.backward_seeks) | \(.peak_rss_kib_with_corpus / 1024 | round) |"' "$r"
echo
echo "### Decoders (ddp-bench-codec, one core)"
echo
echo '```'
jq -r .codec_output "$r"
echo '```'
