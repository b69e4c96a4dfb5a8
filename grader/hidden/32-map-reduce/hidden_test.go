//go:build gclhidden

package mapreduce_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	mr "github.com/go-concurrency-lab/course/exercises/32-map-reduce"
	"github.com/go-concurrency-lab/course/grader/check"
)

// Every test runs in a synctest bubble (check.InBubble): time is fake, and
// a Count that gets stuck fails at once, with where its goroutines wait.
const advice = "Who closes the reducers' channels, and when? They must close once every mapper is done. Does every\n" +
	"send also watch ctx.Done(), so that a goroutine can stop when the others have?"

// library makes n documents from a small vocabulary, with capitals and
// punctuation, so that every word occurs in many documents.
func library(n int) map[string]string {
	vocab := []string{"the", "gopher", "Channel", "go", "select", "mutex", "wait", "group", "the", "go"}
	docs := map[string]string{}
	for d := range n {
		var b strings.Builder
		for i := range 30 + d%7 {
			b.WriteString(vocab[(d*7+i*i)%len(vocab)])
			switch i % 4 {
			case 0:
				b.WriteString(", ")
			case 1:
				b.WriteString(". ")
			default:
				b.WriteString(" ")
			}
		}
		docs[fmt.Sprintf("doc-%02d", d)] = b.String()
	}
	return docs
}

// names lists the documents in order: doc-00, doc-01, ...
func names(docs map[string]string) []string {
	var out []string
	for n := range docs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// sequential is the answer, counted the plain way.
func sequential(docs map[string]string) map[string]int {
	want := map[string]int{}
	for _, text := range docs {
		for _, w := range mr.Words(text) {
			want[w]++
		}
	}
	return want
}

// shelf serves documents to Count and knows how many reads are running.
// If held is set, every read waits in it until the test lets it go (or its
// ctx is done). A read of a document in fail fails after failAfter; the
// others take slow, and giveUp to give up once their ctx is done.
type shelf struct {
	docs      map[string]string
	held      *check.Hold
	fail      string
	failAfter time.Duration
	slow      time.Duration
	giveUp    time.Duration
	ignoreCtx bool // reads never look at their ctx
	err       error
	start     time.Time

	mu     sync.Mutex
	active int      // reads started and not returned
	late   []string // reads started after the start of the test
}

func newShelf(docs map[string]string) *shelf { return &shelf{docs: docs, start: time.Now()} }

func (s *shelf) read(ctx context.Context, name string) (string, error) {
	s.mu.Lock()
	s.active++
	if since := time.Since(s.start); since > 0 {
		s.late = append(s.late, fmt.Sprintf("%s at %v", name, since))
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.active--
		s.mu.Unlock()
	}()
	if s.held != nil {
		leave, err := s.held.Enter(ctx)
		defer leave()
		if err != nil {
			return "", err
		}
	}
	wait := s.slow
	if name == s.fail {
		wait = s.failAfter
	}
	if wait > 0 {
		done := ctx.Done()
		if s.ignoreCtx {
			done = nil
		}
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-done:
			time.Sleep(s.giveUp)
			return "", fmt.Errorf("read %s: %w", name, ctx.Err())
		}
	}
	if name == s.fail {
		return "", s.err
	}
	text, ok := s.docs[name]
	if !ok {
		return "", fmt.Errorf("%s: no such document", name)
	}
	return text, nil
}

type result struct {
	counts map[string]int
	err    error
	took   time.Duration
	active int // reads still running when Count returned
}

// running is a Count started in a goroutine of its own.
type running chan result

func start(ctx context.Context, s *shelf, docs []string, mappers, reducers int) running {
	r := make(running, 1)
	go func() {
		begin := time.Now()
		c, err := mr.Count(ctx, docs, s.read, mappers, reducers)
		s.mu.Lock()
		active := s.active
		s.mu.Unlock()
		r <- result{c, err, time.Since(begin), active}
	}()
	return r
}

func (r running) done() bool { return len(r) > 0 }

// wait waits for Count at most an hour of fake time; then no read may be
// running any more, and no goroutine of Count be left (check.Settled).
func (r running) wait(t *testing.T, what string) result {
	t.Helper()
	select {
	case res := <-r:
		if res.active > 0 {
			t.Fatalf("Count (%s) returned while %d reads it had started were still running. When Count returns,\n"+
				"every read it started must have returned: wait for the mappers, even after an error.", what, res.active)
		}
		if !check.Settled(t, "Count returned") {
			t.FailNow()
		}
		return res
	case <-time.After(time.Hour):
		t.Fatalf("Count (%s) had not returned an hour after it started, for a few small documents.", what)
		return result{}
	}
}

func count(t *testing.T, ctx context.Context, s *shelf, docs []string, mappers, reducers int) result {
	t.Helper()
	return start(ctx, s, docs, mappers, reducers).wait(t, fmt.Sprintf("%d mappers, %d reducers", mappers, reducers))
}

// TestSameAsSequential: whatever the numbers of mappers and reducers, the
// counts are the sequential ones; below 1 counts as 1; no documents, no
// words, an empty map.
func TestSameAsSequential(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		docs := library(40)
		docs["doc-empty"], docs["doc-dots"] = "", "... , !"
		want := sequential(docs)
		for _, c := range []struct{ mappers, reducers int }{{1, 1}, {4, 3}, {8, 1}, {3, 8}, {16, 16}, {0, 0}, {-1, 2}, {2, -3}} {
			r := count(t, context.Background(), newShelf(docs), names(docs), c.mappers, c.reducers)
			require.NoError(t, r.err)
			assert.Equal(t, want, r.counts, "with %d mappers and %d reducers (below 1 counts as 1), the counts differ from\n"+
				"counting one document after the other", c.mappers, c.reducers)
		}
		for _, none := range [][]string{nil, {"doc-empty", "doc-dots"}} {
			r := count(t, context.Background(), newShelf(docs), none, 4, 2)
			require.NoError(t, r.err)
			assert.NotNil(t, r.counts, "Count returned nil for %v: no words, an empty map, not nil", none)
			assert.Empty(t, r.counts, "no words, no counts")
		}
	})
}

// TestMappersReadAtTheSameTime: with 12 documents and 4 mappers, exactly 4
// reads are in flight at once; with 2 documents, 2; a mappers of 0 counts
// as 1.
func TestMappersReadAtTheSameTime(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		for _, c := range []struct{ docs, mappers, want int }{{12, 4, 4}, {2, 4, 2}, {5, 0, 1}} {
			docs := library(c.docs)
			s := newShelf(docs)
			s.held = check.NewHold()
			r := start(context.Background(), s, names(docs), c.mappers, 2)
			if !check.ReleaseInSteps(s.held, r.done) {
				t.Fatal("Count is stuck: it has not returned, and no read is in flight, so nothing can happen any more.")
			}
			res := r.wait(t, fmt.Sprintf("%d mappers", c.mappers))
			require.NoError(t, res.err)
			assert.Equal(t, sequential(docs), res.counts)
			assert.Equal(t, c.want, s.held.Peak(), "with %d documents and %d mappers, %d reads should be in flight at once: %d were.\n"+
				"Start exactly mappers goroutines (at least 1) that each read documents one after the other.",
				c.docs, c.mappers, c.want, s.held.Peak())
		}
	})
}

// TestFirstErrorStopsEverything: when a read fails, the other reads are
// cancelled, no new read starts, and Count returns the error once the
// reads in flight have given up. The 4 mappers read doc-00 to doc-03
// first; doc-03 fails after 100ms, the others would take 1s, and take 10ms
// to give up once cancelled.
func TestFirstErrorStopsEverything(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		docs := library(8)
		s := newShelf(docs)
		s.fail, s.failAfter, s.err = "doc-03", 100*time.Millisecond, errors.New("disk on fire")
		s.slow, s.giveUp = time.Second, 10*time.Millisecond
		r := count(t, context.Background(), s, names(docs), 4, 2)
		assert.ErrorIs(t, r.err, s.err, "the read of doc-03 failed: Count should return that error")
		assert.Equal(t, 110*time.Millisecond, r.took,
			"doc-03 failed after 100ms: Count should cancel the other reads then (their context), and return as\n"+
				"soon as they have given up (10ms later)")
		s.mu.Lock()
		defer s.mu.Unlock()
		assert.Empty(t, s.late, "these reads started after the first error: once a read fails, start no new ones")
	})
}

// TestContextEnds: a deadline, a cancel, and a ctx that had already ended
// when Count was called: Count returns ctx.Err(), even when the reads
// themselves succeed because they do not look at their ctx.
func TestContextEnds(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		docs := library(8)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		s := newShelf(docs)
		s.slow = time.Second
		r := count(t, ctx, s, names(docs), 4, 2)
		assert.ErrorIs(t, r.err, context.DeadlineExceeded, "the caller's deadline passed at 50ms: Count should return ctx.Err()")
		assert.Equal(t, 50*time.Millisecond, r.took, "the reads gave up at the deadline: Count should return then")

		ctx, cancel = context.WithCancel(context.Background())
		time.AfterFunc(30*time.Millisecond, cancel)
		s = newShelf(docs)
		s.slow, s.ignoreCtx = 20*time.Millisecond, true
		r = count(t, ctx, s, names(docs), 4, 2)
		assert.ErrorIs(t, r.err, context.Canceled, "the caller cancelled at 30ms, while documents were still being read:\n"+
			"Count should return ctx.Err(), even though the reads, which ignore their context, all succeeded")

		s = newShelf(docs)
		s.ignoreCtx = true
		r = count(t, ctx, s, names(docs), 4, 2)
		assert.ErrorIs(t, r.err, context.Canceled, "the ctx had already ended when Count was called: Count should return ctx.Err()")
	})
}

// TestNoGoroutineLeft: when Count returns, no read and no goroutine of it
// is left, after a success and after an error (checked in wait).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		docs := library(20)
		r := count(t, context.Background(), newShelf(docs), names(docs), 4, 3)
		require.NoError(t, r.err)

		s := newShelf(docs)
		s.fail, s.err = "doc-07", errors.New("disk on fire")
		r = count(t, context.Background(), s, names(docs), 4, 3)
		assert.ErrorIs(t, r.err, s.err, "a read failed, so Count should return its error")
	})
}

// distinct makes a text of n different words (letters only), each repeated
// times times in a row: "ba ba ba bb bb bb ...".
func distinct(n, times int) string {
	var b strings.Builder
	for i := range n {
		w := []byte{'b'}
		for x := i; ; x /= 26 {
			w = append(w, byte('a'+x%26))
			if x < 26 {
				break
			}
		}
		for range times {
			b.Write(w)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// goroutinesOfCount counts the goroutines that run code of the exercise's
// package at this moment (whoever started them).
func goroutinesOfCount() int {
	// The package's path as the stacks name it (the selftest builds it in a
	// scratch module of its own): that of Count, without "Count".
	pkg := strings.TrimSuffix(runtime.FuncForPC(reflect.ValueOf(mr.Count).Pointer()).Name(), "Count")
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, line := range strings.Split(g, "\n") {
			if strings.HasPrefix(line, pkg) {
				count++
				break
			}
		}
	}
	return count
}

// TestReducersAreGoroutines: 1 mapper, 6 reducers. The mapper has read
// doc-00 (60 different words) and sent its words; while it reads doc-01
// (held), the reducers that count those words must be running: 6
// goroutines at least. Counting into one shared map under a mutex has none.
func TestReducersAreGoroutines(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		docs := map[string]string{"doc-00": distinct(60, 1), "doc-01": "the end"}
		s := newShelf(docs)
		s.held = check.NewHold()
		r := start(context.Background(), s, names(docs), 1, 6)
		if !s.held.WaitEntered(1, time.Hour) {
			t.Fatal("Count did not read doc-00.")
		}
		s.held.Release(1)
		if !s.held.WaitEntered(2, time.Hour) {
			s.held.Open()
			r.wait(t, "1 mapper, 6 reducers")
			t.Fatal("Count did not read doc-01 after doc-00, with 1 mapper.")
		}
		synctest.Wait()
		n := goroutinesOfCount()
		s.held.Open()
		res := r.wait(t, "1 mapper, 6 reducers")
		require.NoError(t, res.err)
		assert.Equal(t, sequential(docs), res.counts)
		assert.GreaterOrEqual(t, n, 6, "with 1 mapper and 6 reducers: while the mapper read doc-01, after it had sent the 60 words of\n"+
			"doc-00, only %d goroutines ran Count's code (Count itself included). Requirement 3: reducers\n"+
			"goroutines count the words, each into a map of its own, and each mapper sends each word to one\n"+
			"of them: start the reducers before the mappers send. One map shared under a mutex is not it.", n)
	})
}

// TestEachWordToOneReducer: 1 mapper reads 6 documents that hold the same
// 40,001 different words (a number that 6 does not divide), and is held in
// its read of a 7th. The words then sit in the reducers' maps. When the
// same word always goes to the same reducer, the maps of 6 reducers hold
// each word once between them, as the one map of 1 reducer does: about the
// same memory. Words dealt round-robin, or by document, land in several
// maps: several times the memory. The test measures the live heap (after a
// GC) with 1 reducer and with 6.
func TestEachWordToOneReducer(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		text := distinct(40001, 1)
		docs := map[string]string{"doc-06": "the end"}
		for d := range 6 {
			docs[fmt.Sprintf("doc-%02d", d)] = text
		}
		grown := func(reducers int) uint64 {
			var m runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m)
			before := m.HeapAlloc
			s := newShelf(docs)
			s.held = check.NewHold()
			s.held.Release(6)
			r := start(context.Background(), s, names(docs), 1, reducers)
			what := fmt.Sprintf("1 mapper, %d reducers", reducers)
			if !s.held.WaitEntered(7, time.Hour) {
				s.held.Open()
				r.wait(t, what)
				t.Fatalf("Count (%s) did not read the 7 documents one after the other.", what)
			}
			synctest.Wait()
			runtime.GC()
			runtime.ReadMemStats(&m)
			after := m.HeapAlloc
			s.held.Open()
			res := r.wait(t, what)
			require.NoError(t, res.err)
			require.Equal(t, 40001+2, len(res.counts), "the 7 documents have 40,003 different words")
			if after < before {
				return 0
			}
			return after - before
		}
		one, six := grown(1), grown(6)
		const mb = 1 << 20
		assert.LessOrEqual(t, six, 3*one+2*mb, "1 mapper read 6 documents that hold the same 40,001 different words. While it read a 7th,\n"+
			"Count's memory had grown by %.1f MB with 1 reducer, but by %.1f MB with 6: the reducers' maps hold\n"+
			"the same words several times over, so a word goes to more than one reducer. Requirement 3: the\n"+
			"same word always goes to the same reducer (pick it from the word itself, e.g. a hash of the\n"+
			"word modulo reducers), so that the reducers' maps never overlap.", float64(one)/mb, float64(six)/mb)
		t.Logf("memory grown: %d bytes with 1 reducer, %d with 6", one, six)
	})
}
