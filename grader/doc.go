// Command grader grades the exercises of Go Concurrency Lab: it lays each
// exercise's hidden tests into its package, runs them all in one
// `go test -json -race` invocation, and tells the student, check by check,
// what is right and what to do next.
//
// Usage:
//
//	go run ./grader [command] [flags] [exercise ...]
//
// An exercise is named by its folder name (01-wait-for-hello) or its number
// (01 or 1). No exercise means all of them. Flags may come before or after
// the exercise names.
//
// # Commands
//
//	test       grade exercises (the default command)
//	  -format F              how to write the report: text (for people), json (below),
//	                         classroom (GitHub Actions autograding: runner results to
//	                         $GITHUB_OUTPUT, ::error annotations, a job summary),
//	                         classroom50 (./result.json and ./release-body.md; exits 0
//	                         whenever it graded), junit, gradescope; see docs/classroom.md
//	  -deadline D            stop grading after D and report what did not finish as
//	                         errors (for platforms with a hard time limit)
//	  -dir DIR               grade the exercise folders under DIR (default exercises;
//	                         -dir solutions grades the reference solutions)
//	  -hidden DIR            read the hidden archives (*.txtar) from DIR instead of
//	                         the ones built into the grader (private tests)
//	  -race=false            do not look for data races; the race check then
//	                         reports "not checked" and no exercise can pass
//	watch      re-grade the exercise being worked on whenever one of its files
//	           changes, passed or not; it stays on that exercise (the first not
//	           yet passed, or the one named) until n. Keys: h hint, n next,
//	           l list, r re-run, q quit.
//	  -poll, -interval D     watch by polling every D instead of file events; the
//	                         grader also switches to polling by itself when it sees a
//	                         change that no file event announced
//	  -until-pass            exit 0 once the exercise passes (for scripts)
//	hint       show the next hint of an exercise (default: the first one not yet
//	           passed); -all shows again the hints already seen
//	list       the catalog, with the status and points each exercise had when it
//	           was last graded, and the overall progress
//	reset      restore an exercise's stub from the grader's copy, after asking
//	           (-y: without asking)
//	review     grade student checkouts with this grader's own hidden tests, check
//	           package and module files, into a gradebook; flags tampering and
//	           near-identical code (never changes a score); see docs/instructors.md
//	  -format csv|markdown|json, -o FILE   the gradebook (CSV header:
//	                         student,score,max_score,flags, then one column per exercise)
//	  -j N, -timeout D       students graded at a time; the bound for one student
//	  -hidden DIR, -course DIR, -exercises LIST, -race=false
//	  -diff DIR              each student's code beside the reference solution, in Markdown
//	  -merge                 merge JSON gradebooks (the arguments) instead of grading
//	template   write the repository as students receive it, without solutions/
//	           (-no-hidden: without the hidden tests too), into OUT
//	selftest   prove the hidden tests: grade every exercise's reference solution
//	           (must pass), its stub and its known wrong answers (must fail),
//	           -runs N times each, alternating GOMAXPROCS between 1 and all cores;
//	           prints a table and the number of flakes
//
// Progress (the last grade of each exercise, the hints seen) is kept in
// .grader/progress.json at the root of the checkout; it is a memory for list,
// hint and watch, never a grade.
//
// # Exit codes
//
//	0  every graded exercise passes (selftest: every variant as wanted;
//	   review: the review ran; test -format classroom50: it graded)
//	1  some exercise does not pass
//	2  the command line is wrong
//	3  the grader itself failed (it could not run go, read its archives, ...)
//
// # Checks
//
// Each exercise gets a status, pass, fail or error (its code did not build,
// or the grader could not tell), and these checks, each with a status (pass,
// fail, error, or skip: not checked or not scored yet), points and a message:
//
//	build      the package and the hidden tests compile (never scored)
//	behaviour  the hidden tests pass
//	ordering   printed output keeps its ordering rules on every run, under
//	           GOMAXPROCS 1, 2 and 8
//	race       the race detector saw no data race
//	leaks      no goroutine outlives the work
//	rules      the exercise's static rules hold (e.g. no time.Sleep)
//	time       everything ended within its time limit
//
// A check passes only when the grader saw each of its hidden tests report
// pass together with a seal that only the grader's own test code can write:
// printed imitations of test results, tests that never ran and test binaries
// that exited early all count as failures. Every check but behaviour is
// scored only once behaviour and the rules pass, so an untouched stub scores
// 0. The student's own test files in an exercise folder are left out of the
// build, and the course's own go.mod and go.sum are used whatever the
// checkout's say.
//
// # JSON
//
// test -format json writes one document:
//
//	{
//	  "exercises": [
//	    {
//	      "name": "01-wait-for-hello", "title": "Wait for hello",
//	      "status": "pass|fail|error", "score": 10, "max_score": 10,
//	      "checks": [
//	        {"name": "behaviour", "status": "pass|fail|error|skip",
//	         "score": 4, "max_score": 4, "message": "..."}
//	      ],
//	      "notices": ["..."],      // things the student should know (files left out, ...)
//	      "seconds": 1.2           // wall time of the exercise's test binary
//	    }
//	  ],
//	  "score": 10, "max_score": 10,
//	  "passed": 1,                 // exercises that pass
//	  "race": true,                // the race detector ran
//	  "race_unavailable": "..."    // why not, when it did not
//	}
package main
