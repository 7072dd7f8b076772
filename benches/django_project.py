"""A tiny Django project with django-smoketest, for benches/runner-vs-django.sh and
benches/load.sh.

    python django_project.py make DIR              # writes the project into DIR
    python django_project.py run DIR ROUNDS        # times the smoketest runner in-process

The project has one app per workload, each with a `smoke.py` of SmokeTest classes (ten
`test_*` methods a class): `noop_sync_100`, `noop_sync_1000` (no-op tests) and
`sleep50ms_20` (tests that each sleep 50 ms). `run` times what the smoketest view times:
`test_application(app)` over the workload's app (importing, collecting and running its
classes), and prints `django WORKLOAD TESTS US_PER_TEST` with the median of ROUNDS.
The gunicorn server (`wsgi.py`) serves `/smoketest/` with the 100 no-op tests only.
"""

import os
import statistics
import sys
import time

WORKLOADS = {
    "noop_sync_100": (100, "pass"),
    "noop_sync_1000": (1000, "pass"),
    "sleep50ms_20": (20, "time.sleep(0.05)"),
}

SETTINGS = """\
import os
BASE = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "bench"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = ["smoketest"] + os.environ.get("BENCH_APPS", "noop_sync_100").split(",")
MIDDLEWARE = []
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.path.join(BASE, "db.sqlite3")}}
USE_TZ = True
"""

URLS = """\
from django.urls import include, path
urlpatterns = [path("smoketest/", include("smoketest.urls"))]
"""

WSGI = """\
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
"""


def make(root):
    os.makedirs(root, exist_ok=True)
    for name, text in (("settings.py", SETTINGS), ("urls.py", URLS), ("wsgi.py", WSGI)):
        with open(os.path.join(root, name), "w") as f:
            f.write(text)
    for app, (tests, body) in WORKLOADS.items():
        os.makedirs(os.path.join(root, app), exist_ok=True)
        open(os.path.join(root, app, "__init__.py"), "w").close()
        lines = ["import time", "from smoketest import SmokeTest", ""]
        for c in range(tests // 10):
            lines.append("class Smoke%03d(SmokeTest):" % c)
            for t in range(10):
                lines.append("    def test_%d(self):" % t)
                lines.append("        %s" % body)
            lines.append("")
        with open(os.path.join(root, app, "smoke.py"), "w") as f:
            f.write("\n".join(lines))


def run(root, rounds):
    sys.path.insert(0, root)
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    os.environ["BENCH_APPS"] = ",".join(WORKLOADS)
    import django

    django.setup()
    from smoketest.views import test_application

    for app, (tests, _) in WORKLOADS.items():
        n = max(3, rounds // 5) if app.startswith("sleep") else rounds
        times = []
        for _ in range(n):
            start = time.perf_counter()
            result = test_application(app)
            times.append(time.perf_counter() - start)
            assert result.num_tests_passed == tests, (app, result.num_tests_passed)
        print("django %s %d %.3f" % (app, tests, statistics.median(times) * 1e6 / tests))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        run(sys.argv[2], int(sys.argv[3]))
