"""What `make` needs before it installs anything: one line per missing tool, saying how
to get it, and exit 1. Run by the system Python, so it is written for any Python 3.

    python3 tests/tools/prereqs.py python   # make serve, site, check: Python 3.11+
    python3 tests/tools/prereqs.py test     # make test: also npm, Java and Chromium
"""

import os
import shutil
import sys

NEEDED = (3, 11)


def missing_for(target):
    problems = []
    if sys.version_info[:2] < NEEDED:
        problems.append(
            "Python {}.{} is too old: Paper Atlas needs Python {}.{} or newer "
            "(run make with PYTHON=python3.11, or install a newer python3)".format(
                sys.version_info[0], sys.version_info[1], *NEEDED
            )
        )
    if target != "test":
        return problems
    if shutil.which("npm") is None:
        problems.append(
            "npm is missing: the tests run offline checkers from package.json "
            "(apt-get install npm, or install Node.js)"
        )
    if shutil.which("java") is None:
        problems.append(
            "Java is missing: the HTML checker (vnu) runs on it "
            "(apt-get install default-jre-headless)"
        )
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not browser or not os.path.exists(browser):
        problems.append(
            "Chromium is missing: the browser tests drive it "
            "(apt-get install chromium, or set CHROMIUM to a Chrome or Chromium binary)"
        )
    return problems


def main(argv):
    target = argv[1] if len(argv) > 1 else "python"
    problems = missing_for(target)
    for problem in problems:
        print("make: " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
