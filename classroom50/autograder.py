#!/usr/bin/env python3
"""Classroom 50 autograder for Go Concurrency Lab.

Classroom 50 runs `python3 autograder.py` from the instructor's bundle, with
the student's checkout as the working directory, and reads ./result.json
(classroom50/result/v1) and ./release-body.md. This script grades with the
bundle's own copy of the grader and hidden tests, never the student's:

    bundle/
      autograder.py      this file
      course/            the course's module as the instructor trusts it:
                         go.mod, go.sum, course.go and grader/ (its source,
                         with the hidden tests it embeds)
      hidden/            optional: private hidden tests (a folder per exercise,
                         or *.txtar archives), graded
                         with instead of the ones inside course/grader/hidden
      bin/grader         optional: a prebuilt grader for the job's runner,
                         used instead of building course/

Make a bundle from a checkout of the course with
    python3 classroom50/autograder.py bundle OUT_DIR [--hidden DIR]

How the student's copy is kept out: the script copies only the student's
exercises/ folder (regular files; no symlinks) into a fresh workspace that
holds the bundle's go.mod, go.sum and grader/ (so grader/check, which the
hidden tests import, is the bundle's too), builds the grader from the
bundle, and runs it there with -dir pointing at the copied exercises and
-hidden at the bundle's archives. Nothing of the student's checkout other
than exercises/ is read, and it is never executed as anything but the code
under test. See docs/classroom.md for what remains trusted.

It always writes a valid ./result.json and exits 0: when the grader cannot
be built, fails, or runs out of time, every exercise scores 0 with the
reason, since Classroom 50 records a non-zero exit as an error with no
grade. Python standard library only.
"""

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# Which exercises count for this assignment: numbers or full names, e.g.
# ["01", "02", "03"]. Empty: every exercise of the course.
EXERCISES = []

# The whole run must end inside Classroom 50's 15-minute job, which also
# clones and sets up: this many seconds for the build and the grading.
TIME_BUDGET = 12 * 60

# Files of the student's exercises that are copied: larger ones are left
# out (and then fail to build, which the grader reports).
MAX_FILE_BYTES = 1 << 20
MAX_TOTAL_BYTES = 32 << 20

# Environment variables handed to the Go toolchain and the grader. Nothing
# else of the job's environment reaches the code under test.
PASS_ENV = ("PATH", "HOME", "USERPROFILE", "TMPDIR", "TEMP", "TMP", "LANG", "LC_ALL",
            "GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GONOSUMDB", "GOPRIVATE",
            "GOSUMDB", "GOTOOLCHAIN", "GOROOT", "SYSTEMROOT", "CGO_ENABLED", "CC")
IDENTITY_ENV = ("CLASSROOM", "ASSIGNMENT", "ASSIGNMENT_TYPE", "MODE", "SUBMISSION_TAG",
                "COMMIT_URL", "RELEASE_URL", "REVIEW_URL", "USERNAME", "OWNER")

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$")
RESULT_KEYS = ("schema", "classroom", "assignment", "assignment_type", "owner", "submission",
               "commit", "release", "review", "datetime", "score", "max-score", "tests")
OPTIONAL_KEYS = ("graded_at", "submitted_by")


def log(msg):
    print("autograder: " + msg, flush=True)


def budget():
    try:
        return float(os.environ.get("GCL_TIME_BUDGET", TIME_BUDGET))
    except ValueError:
        return float(TIME_BUDGET)


# ---------------------------------------------------------------- identity

def identity(now):
    """The fields Classroom 50 checks, from the environment it sets; outside
    Classroom 50 the values of its local mode."""
    def env(key, fallback):
        v = os.environ.get(key, "").strip()
        return v or fallback

    kind = "individual"
    for key in ("ASSIGNMENT_TYPE", "MODE"):
        v = os.environ.get(key, "").strip().lower()
        if v in ("individual", "group"):
            kind = v
            break
    submission = env("SUBMISSION_TAG", "submit/local")
    if not submission.startswith("submit/"):
        submission = "submit/" + submission
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    res = {
        "schema": "classroom50/result/v1",
        "classroom": env("CLASSROOM", "local"),
        "assignment": env("ASSIGNMENT", "local"),
        "assignment_type": kind,
        "owner": env("OWNER", env("USERNAME", "local")),
        "submission": submission,
        "commit": env("COMMIT_URL", "local://commit"),
        "release": env("RELEASE_URL", "local://release"),
        "review": env("REVIEW_URL", "local://review"),
        "datetime": stamp,
        "graded_at": stamp,
        "score": 0,
        "max-score": 0,
        "tests": [],
    }
    user = os.environ.get("USERNAME", "").strip()
    if user:
        res["submitted_by"] = {"username": user}
    return res


# ----------------------------------------------------------- the fallback

def archive_points(path):
    """The points of one hidden archive, from its exercise.json section."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^-- exercise\.json --\n(.*?)(?=^-- \S.* --$|\Z)", text, re.S | re.M)
    if not m:
        return {}
    points = json.loads(m.group(1)).get("points", {})
    return {k: int(v) for k, v in points.items() if isinstance(v, int) and v >= 0}


def wanted(name):
    if not EXERCISES:
        return True
    number = name.split("-", 1)[0]
    return any(e == name or e.lstrip("0") == number.lstrip("0") for e in EXERCISES)


def course_exercises(bundle):
    """Each exercise of the course with its points per check, read from the
    bundle's hidden tests (folders with an exercise.json, or *.txtar
    archives); empty when they cannot be read."""
    for folder in (os.path.join(bundle, "hidden"), os.path.join(bundle, "course", "grader", "hidden")):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        out = []
        for n in names:
            path = os.path.join(folder, n)
            meta = os.path.join(path, "exercise.json")
            if os.path.isfile(meta):
                name = n
            elif n.endswith(".txtar"):
                name = n[:-len(".txtar")]
            else:
                continue
            if not wanted(name):
                continue
            try:
                if os.path.isfile(meta):
                    with open(meta, encoding="utf-8") as f:
                        points = json.load(f).get("points", {})
                    out.append((name, {k: int(v) for k, v in points.items() if isinstance(v, int) and v >= 0}))
                else:
                    out.append((name, archive_points(path)))
            except (OSError, ValueError):
                out.append((name, {}))
        if out:
            return out
    return []


def fallback(bundle, reason, now):
    """A valid result that gives every exercise 0 points, with the reason."""
    res = identity(now)
    res["tests"].append({"test-name": "grader", "passed": False, "score": 0, "max-score": 0,
                         "status": "error", "message": reason})
    for name, points in course_exercises(bundle):
        for check, p in points.items():
            res["tests"].append({"test-name": "%s: %s" % (name, check), "passed": False,
                                 "score": 0, "max-score": p, "status": "error",
                                 "message": "Not graded: " + reason})
            res["max-score"] += p
    body = ("## Score: 0/%d\n\nYour work could not be graded this time:\n\n```text\n%s\n```\n\n"
            "If the reason is not in your code, tell your instructor.\n" % (res["max-score"], reason))
    return res, body


# ------------------------------------------------------------- validation

def valid(res):
    """The schema's rules and Classroom 50's, checked before the result is
    handed over; returns what is wrong, or ""."""
    if not isinstance(res, dict):
        return "not an object"
    extra = set(res) - set(RESULT_KEYS) - set(OPTIONAL_KEYS)
    if extra:
        return "unexpected keys %s" % sorted(extra)
    for k in RESULT_KEYS:
        if k not in res:
            return "missing " + k
    if res["schema"] != "classroom50/result/v1":
        return "wrong schema"
    for k in ("classroom", "assignment", "owner", "commit", "release", "review"):
        if not isinstance(res[k], str) or not res[k]:
            return "empty " + k
    if res["assignment_type"] not in ("individual", "group"):
        return "bad assignment_type"
    if not str(res["submission"]).startswith("submit/"):
        return "bad submission"
    for k in ("datetime", "graded_at"):
        if k in res and not STAMP.match(str(res[k])):
            return "bad " + k
    total = maximum = 0
    for t in res["tests"]:
        for k in ("score", "max-score"):
            if type(t.get(k)) is not int or t[k] < 0:
                return "test %r: %s is not a whole number" % (t.get("test-name"), k)
        if not isinstance(t.get("test-name"), str) or not t["test-name"] or type(t.get("passed")) is not bool:
            return "test without test-name or passed"
        if t["score"] > t["max-score"]:
            return "test %r scores above its maximum" % t["test-name"]
        total += t["score"]
        maximum += t["max-score"]
    for k in ("score", "max-score"):
        if type(res[k]) is not int or res[k] < 0:
            return k + " is not a whole number"
    if res["score"] != total or res["max-score"] != maximum or total > maximum:
        return "score %s/%s, but the tests add up to %d/%d" % (res["score"], res["max-score"], total, maximum)
    return ""


# ---------------------------------------------------------------- grading

def copy_exercises(src, dst):
    """Copies the student's exercises: regular files only, no symlinks, and
    nothing outside exercises/."""
    total = 0
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d)) and not d.startswith(".")]
        rel = os.path.relpath(dirpath, src)
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            size = os.path.getsize(p)
            if size > MAX_FILE_BYTES or total + size > MAX_TOTAL_BYTES:
                log("left out %s (%d bytes)" % (os.path.join(rel, f), size))
                continue
            total += size
            shutil.copyfile(p, os.path.join(dst, rel, f))


def clean_env(extra=None):
    env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
    env.update({"GOFLAGS": "", "GOWORK": "off", "GORACE": "atexit_sleep_ms=0", "NO_COLOR": "1"})
    env.update(extra or {})
    return env


# ------------------------------------------------------------ processes

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """On Linux, makes this process the reaper of everything it starts,
    directly or not: a process left behind (even in a session of its own,
    Setsid) is handed to this one rather than to init, so that
    kill_descendants finds it. Returns whether that worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def descendants():
    """The pids of the processes below this one, from /proc (Linux)."""
    parent = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    for n in names:
        if not n.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % n, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            parent[int(n)] = int(fields[1])
    me, out = os.getpid(), []
    for pid in parent:
        a, hops = parent.get(pid), 0
        while a and a > 1 and hops < 1024:
            if a == me:
                out.append(pid)
                break
            a, hops = parent.get(a), hops + 1
    return out


def kill_descendants():
    """Kills every process this one started, directly or not, and reaps
    them, until none is left: nothing the student's code started may change
    result.json once it is written."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pids = descendants()
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        time.sleep(0.01)


def run(cmd, cwd, env, timeout):
    """Runs cmd in a process group of its own, killed whole at the timeout.
    Returns (exit code or None on a time-out, output)."""
    kwargs = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, **kwargs)
    try:
        out, _ = proc.communicate(timeout=max(timeout, 1))
        return proc.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
        else:
            proc.kill()
        out, _ = proc.communicate()
        return None, out.decode("utf-8", "replace")


def grade(bundle, student, work, deadline):
    """Grades the student's exercises with the bundle's grader. Returns
    (result, release body) or raises RuntimeError with a reason."""
    course = os.path.join(bundle, "course")
    ws = os.path.join(work, "ws")
    out = os.path.join(work, "out")
    os.makedirs(out)
    if not os.path.isfile(os.path.join(course, "go.mod")):
        raise RuntimeError("the bundle has no course/go.mod: rebuild it with `python3 classroom50/autograder.py bundle OUT`")
    shutil.copytree(course, ws, symlinks=False)
    shutil.rmtree(os.path.join(ws, "exercises"), ignore_errors=True)
    src = os.path.join(student, "exercises")
    if not os.path.isdir(src) or os.path.islink(src):
        raise RuntimeError("the submission has no exercises/ folder")
    copy_exercises(src, os.path.join(ws, "exercises"))

    grader = os.path.join(bundle, "bin", "grader" + (".exe" if os.name == "nt" else ""))
    if not (os.path.isfile(grader) and os.access(grader, os.X_OK)):
        if shutil.which("go") is None:
            raise RuntimeError("the Go toolchain is not installed on this runner (no `go` on PATH)")
        grader = os.path.join(work, "grader" + (".exe" if os.name == "nt" else ""))
        log("building the grader from the bundle")
        code, text = run(["go", "build", "-trimpath", "-o", grader, "./grader"], ws, clean_env(),
                         min(deadline - time.monotonic(), 5 * 60))
        if code != 0:
            raise RuntimeError("building the bundle's grader %s:\n%s" % (
                "took too long" if code is None else "failed", text[-3000:]))

    # -sandbox: each test binary in bubblewrap where the runner has it (the
    # grader prints a notice where it cannot).
    args = [grader, "test", "-format", "classroom50", "-sandbox", "-dir", os.path.join(ws, "exercises")]
    hidden = os.path.join(bundle, "hidden")
    if os.path.isdir(hidden):
        args += ["-hidden", hidden]
    left = deadline - time.monotonic()
    # The grader's own deadline comes first, so that a submission that
    # hangs still gets its per-exercise report; the kill is the backstop.
    args += ["-deadline", "%ds" % max(int(left - 45), 10)]
    args += EXERCISES
    identity_env = {k: os.environ[k] for k in IDENTITY_ENV if k in os.environ}
    log("grading: " + " ".join(args[1:]))
    # The sandbox shows the bundle (hidden tests, the grader that embeds
    # them) empty to the code under test.
    identity_env["GCL_SANDBOX_HIDE"] = bundle
    code, text = run(args, out, clean_env(identity_env), left - 15)
    sys.stdout.write(text)
    if code is None:
        raise RuntimeError("the grader did not finish within the time this assignment allows")
    path = os.path.join(out, "result.json")
    if code != 0 or not os.path.isfile(path):
        raise RuntimeError("the grader failed (exit %s):\n%s" % (code, text[-3000:]))
    with open(path, encoding="utf-8") as f:
        res = json.load(f)
    problem = valid(res)
    if problem:
        raise RuntimeError("the grader wrote an invalid result.json: " + problem)
    body = ""
    try:
        with open(os.path.join(out, "release-body.md"), encoding="utf-8") as f:
            body = f.read()
    except OSError:
        pass
    return res, body


def write(student, res, body):
    with open(os.path.join(student, "result.json"), "w", encoding="utf-8") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    with open(os.path.join(student, "release-body.md"), "w", encoding="utf-8") as f:
        f.write(body)


def main():
    start = time.monotonic()
    deadline = start + budget()
    bundle = os.path.abspath(os.environ.get("CLASSROOM50_BUNDLE_DIR") or os.path.dirname(os.path.abspath(__file__)))
    student = os.getcwd()
    now = datetime.datetime.now(datetime.timezone.utc)
    work = tempfile.mkdtemp(prefix="gcl-grade-")
    reaper = become_subreaper()
    try:
        res, body = grade(bundle, student, work, deadline)
    except Exception as e:  # anything at all: the student still gets a result
        log("no grade: %s" % e)
        res, body = fallback(bundle, str(e), now)
    finally:
        if reaper:
            kill_descendants()
        shutil.rmtree(work, ignore_errors=True)
    write(student, res, body)
    log("score %d/%d in %.0fs" % (res["score"], res["max-score"], time.monotonic() - start))
    return 0


# ------------------------------------------------------------------ bundle

def make_bundle(argv):
    """bundle OUT_DIR [--hidden DIR]: lays out a bundle from this checkout."""
    if not argv or argv[0].startswith("-"):
        print("usage: python3 classroom50/autograder.py bundle OUT_DIR [--hidden DIR]", file=sys.stderr)
        return 2
    out = os.path.abspath(argv[0])
    hidden = None
    if len(argv) >= 3 and argv[1] == "--hidden":
        hidden = os.path.abspath(argv[2])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    course = os.path.join(out, "course")
    if os.path.exists(course):
        shutil.rmtree(course)
    os.makedirs(out, exist_ok=True)
    for f in ("go.mod", "go.sum", "course.go"):
        os.makedirs(course, exist_ok=True)
        shutil.copyfile(os.path.join(root, f), os.path.join(course, f))
    shutil.copytree(os.path.join(root, "grader"), os.path.join(course, "grader"),
                    ignore=shutil.ignore_patterns("testdata", "*_test.go", "grader", "*.exe"))
    shutil.copyfile(os.path.abspath(__file__), os.path.join(out, "autograder.py"))
    if hidden:
        dst = os.path.join(out, "hidden")
        shutil.rmtree(dst, ignore_errors=True)
        os.makedirs(dst)
        for n in os.listdir(hidden):
            src = os.path.join(hidden, n)
            if n.endswith(".txtar"):
                shutil.copyfile(src, os.path.join(dst, n))
            elif os.path.isfile(os.path.join(src, "exercise.json")):
                shutil.copytree(src, os.path.join(dst, n), symlinks=False)
    print("bundle written to %s" % out)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bundle":
        sys.exit(make_bundle(sys.argv[2:]))
    sys.exit(main())
