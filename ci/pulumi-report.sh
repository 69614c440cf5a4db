#!/usr/bin/env bash
# Runs one pulumi command, shows its output in the log, and writes it to the job summary, whatever
# the outcome (the Pulumi action writes nothing when the command fails, the case a reviewer needs).
# Also leaves it in pulumi-report.md for a pull request comment. Exits with pulumi's exit code.
#   bash ci/pulumi-report.sh "<title>" preview --stack dev --diff --policy-pack ./policy
set -uo pipefail

title=$1
shift
pulumi "$@" --non-interactive --color never 2>&1 | tee pulumi-output.txt
code=${PIPESTATUS[0]}
verdict=$([[ $code == 0 ]] && echo "passed" || echo "failed (exit $code)")
# GitHub caps a comment at 65,536 characters: keep the end, where the summary and the errors are.
{
  echo "### $title: $verdict"
  echo
  echo '```'
  tail -c 60000 pulumi-output.txt
  echo '```'
} > pulumi-report.md
cat pulumi-report.md >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
exit "$code"
