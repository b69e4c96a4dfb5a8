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
//	  -hidden DIR            read the hidden tests from DIR (a folder NN-slug/ or an
//	                         archive NN-slug.txtar per exercise) instead of the ones
//	                         built into the grader (private tests)
//	  -race=false            do not look for data races; the race check then
//	                         reports "not checked" and no exercise can pass
//	  -v                     print each failing exercise's full log (the tests' own
//	                         output, race reports, goroutine dumps) after its
//	                         diagnosis; without -v the text names the file that
//	                         holds it, .grader/logs/NN-slug.txt
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
//	           prints a table (with each variant's mean test time; a stub or
//	           mutant that takes over 3× its solution's time, and a second more,
//	           to fail is marked SLOW) and the number of flakes. It also fails an
//	           exercise whose contract table has a requirement without a test or
//	           without a mutant, or that has no table while its README numbers
//	           its requirements ("1. ...")
//	  -contracts             fail every exercise that has no contract table
//	  -mutate                mutation testing instead; see below
//	  -mutants LIST          with -mutate, only these mutants (comma-separated names,
//	                         drop-defer:Stop#1, or operators, drop-defer)
//
// # Mutation testing
//
// selftest -mutate [-runs N] [exercise ...] measures the hidden tests by the
// wrong answers they let through. From each exercise's reference solution
// (solutions/NN-slug/FILE) it generates mutants, each with one
// concurrency mistake, made by these operators (package
// grader/internal/mutate; in parentheses, the operator of Bradbury, Cordy and
// Dingel's concurrency mutation operators for Java that each translates):
//
//	remove-lock       remove a Lock/Unlock (RLock/RUnlock) pair (RCXC, RSB)
//	rlock             take the read lock (RLock/RUnlock) instead of the lock
//	unlock-early      unlock before the last write of the critical section (SKCR)
//	lock-late         take the lock after the critical section's first statement (SHCR)
//	split-critical    unlock and lock again after the critical section's first statement (SPCR)
//	swap-acquire      take two locks (Lock, RLock, Take, Acquire) in the other order (ELPA)
//	value-receiver    a method gets a copy of the lock or atomic it uses (ESP)
//	drop-defer        remove a deferred call: Unlock, Done, close, cancel ... (RFU)
//	undefer           make a deferred call at once instead of at return
//	swap-defers       swap two deferred calls in a row
//	remove-wait       remove a WaitGroup's Wait (RTXC)
//	sleep-for-wait    replace a WaitGroup's Wait with a millisecond's sleep (RJS)
//	add-in-goroutine  move wg.Add into the goroutine it counts
//	untrack-go        wg.Go(f) becomes go f(): Wait does not wait for it
//	no-go             go f() (or wg.Go(f)) becomes f(): it runs in the caller
//	remove-close      remove a close(ch)
//	move-close        close a channel one statement earlier
//	chan-cap-0        make a buffered channel unbuffered (MXC)
//	chan-cap-1        give a channel a buffer of 1 (MXC)
//	chan-cap-minus-1  give a channel one place less than it has (MXC)
//	drop-done-case    remove the <-ctx.Done() case of a select
//	drop-case         remove another case of a select (not default)
//	add-default       add an empty default: to a select that blocks
//	drop-ctx-check    ignore an ended context: ctx.Err() in a condition reads as nil
//	background-ctx    pass context.Background() instead of ctx
//	drop-cancel       remove a call of cancel()
//	remove-once       call once.Do's function (OnceFunc's, OnceValue's) every time (RSB)
//	atomic-plain      atomic access becomes plain access (EAN)
//	broadcast-signal  Broadcast becomes Signal: one waiter wakes, not all (RNA)
//	remove-signal     remove a Cond's Signal or Broadcast (RCXC)
//	wait-if           check a Cond's condition once (if) instead of in a loop (for)
//	remove-clamp      remove an edge-input guard: if n < 1 {...}, max(n, 1)
//
// A mutant is named operator:function#ordinal, "drop-defer:Stop#1" being
// the first place in function Stop where drop-defer applies; a name stays
// the same from run to run as long as the solution's code does. Every
// mutant is graded like a student's answer, with every check: all the
// solutions in one go test invocation, then all the mutants of every
// exercise in one more, as packages side by side (-runs N repeats both;
// the default is 1, on all cores, then alternating GOMAXPROCS as above). A
// mutant's time limit is ten times its solution's test time, at least
// 10 s, at most the exercise's own limit, so that one that hangs costs
// seconds. A mutant that does not build with the hidden tests is left out
// and counted apart.
//
// The report gives per exercise: generated, no build, killed (failed in
// every run), equivalent, survived, the solution's test time and the
// mutants' (summed, and the slowest), then each survivor with a unified
// diff from the solution, each equivalent with its reason, the killed
// mutants that were slow to fail (over
// 3× the solution's time and a second more), and the catalog's wall time. A survivor is a
// missing test, or an equivalent mutant: one no test can tell from the
// solution, listed in exercise.json with the reason,
//
//	"equivalent": [{"mutant": "split-critical:Close#1", "why": "..."}]
//
// An equivalent that is no longer generated, or that the tests now kill,
// is reported. The exit code is 1 when a survivor is not listed, or when
// a solution does not pass. (make mutate runs it over the catalog.)
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
// A check fails for its own kind of trouble only, whichever check lists the
// test that showed it: race when the race detector reported a race, leaks
// when goroutines were left behind, time when the tests ran out of time,
// behaviour (or ordering) for everything else. A check whose tests did not
// pass for another check's reason is "skip: not checked" and says which
// check explains it; a test that did not run because an earlier one crashed
// or hung names that test. Each failing check has one short diagnosis, at
// the student's own file:line; the full detail is in the exercise's log.
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
//	         "score": 4, "max_score": 4, "message": "...",
//	         "detail": "..."}      // what the message was made from, in full (failing checks)
//	      ],
//	      "vet": ["exercises/05-racy-counter/counter.go:12: ..."], // go vet's findings
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
