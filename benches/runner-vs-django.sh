#!/usr/bin/env bash
# The runner's cost per test, side by side in one run: smoke's runner, a plain Rust loop
# calling the same test bodies (the limit), and django-smoketest's runner in-process.
#
#   benches/runner-vs-django.sh [ROUNDS]      (default: 15 rounds a workload, medians)
#
# Workloads: 100 and 1,000 no-op sync tests, 100 and 1,000 no-op async tests (smoke and
# the plain loop only: django-smoketest has no async tests), 20 tests that each wait
# 50 ms, and 20 sync tests that each block their thread 50 ms (smoke and the plain loop).
# Prints microseconds per test and the ratios smoke/limit and smoke/django.
#
# The Rust side is `cargo bench -p smoke-tests --bench runner` (release). The Python side
# installs Django and django-smoketest from PyPI into a temporary virtualenv, writes a tiny
# Django project (benches/django_project.py) and times the smoketest view's runner,
# `smoketest.views.test_application`, in-process. Needs python3 with venv and pip.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-15}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building and running the runner bench (release)..." >&2
cargo bench -p smoke-tests --bench runner >"$work/rust.out"
grep '^row ' "$work/rust.out" >"$work/rust.rows" || {
    cat "$work/rust.out" >&2
    echo "the runner bench printed no rows" >&2
    exit 1
}

echo "installing Django and django-smoketest into a virtualenv..." >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check django django-smoketest >&2
python3 benches/django_project.py make "$work/project"
"$work/venv/bin/python" benches/django_project.py run "$work/project" "$rounds" >"$work/django.rows"

echo "cores: $(nproc), $(rustc --version), $("$work/venv/bin/python" --version)," \
    "django $("$work/venv/bin/python" -c 'import django; print(django.__version__)')," \
    "django-smoketest $("$work/venv/bin/pip" show django-smoketest | sed -n 's/^Version: //p')"
awk '
    FNR == NR { django[$2] = $4; next }
    BEGIN {
        printf "%-16s %6s %12s %12s %12s %12s %12s\n", "workload", "tests", "smoke us", "limit us",
            "django us", "smoke/limit", "smoke/django"
    }
    {
        d = ($2 in django) ? sprintf("%12.3f", django[$2]) : sprintf("%12s", "-")
        r = ($2 in django) ? sprintf("%12.2f", $4 / django[$2]) : sprintf("%12s", "-")
        printf "%-16s %6d %12.3f %12.4f %s %12.2f %s\n", $2, $3, $4, $5, d,
            ($5 > 0 ? $4 / $5 : 0), r
    }
' "$work/django.rows" "$work/rust.rows"
