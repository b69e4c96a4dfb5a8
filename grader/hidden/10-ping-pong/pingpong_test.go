//go:build gclhidden

package pingpong_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-lab/course/exercises/10-ping-pong"
	"github.com/go-concurrency-lab/course/grader/check"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests run in synctest bubbles. Each hit takes a millisecond of fake
// time; the clock moves only once every goroutine is blocked, so if the
// other player could hit at the same time, it does so before this hit ends,
// on every run, and the recorder sees the overlap.

// stuck is the advice when a game ends with goroutines left waiting.
const stuck = "when the game was over, a goroutine was still waiting, with nothing left that could wake it\n" +
	"(or Play never returned). Both players must stop once the n-th hit is made: the player that\n" +
	"makes it can close the other player's channel, so that the other's range loop ends."

// goid returns the id of the calling goroutine ("goroutine 7 [running]").
func goid() int {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	buf = bytes.TrimPrefix(buf, []byte("goroutine "))
	id, _ := strconv.Atoi(string(buf[:bytes.IndexByte(buf, ' ')]))
	return id
}

// recorder is the hit function the tests hand to Play.
type recorder struct {
	n        int // hits the game should have
	mu       sync.Mutex
	seq      []string // who hit, in order
	gids     []int    // from which goroutine
	inFlight int
	overlaps int // hits that began while another was running
	extra    int // hits beyond n
}

func (r *recorder) hit(player string) {
	r.mu.Lock()
	if len(r.seq) >= r.n {
		r.extra++
		r.mu.Unlock()
		// One hit too many: end this player's goroutine (its deferred
		// calls still run) rather than let a game that never ends run on.
		runtime.Goexit()
	}
	if r.inFlight > 0 {
		r.overlaps++
	}
	r.inFlight++
	r.seq = append(r.seq, player)
	r.gids = append(r.gids, goid())
	r.mu.Unlock()
	time.Sleep(time.Millisecond)
	r.mu.Lock()
	r.inFlight--
	r.mu.Unlock()
}

type snapshot struct {
	seq                       []string
	gids                      []int
	inFlight, overlaps, extra int
}

func (r *recorder) snapshot() snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return snapshot{append([]string{}, r.seq...), append([]int{}, r.gids...), r.inFlight, r.overlaps, r.extra}
}

// rally is what a game of n hits must look like: ping, pong, ping, ...
func rally(n int) []string {
	s := []string{}
	for i := range n {
		s = append(s, []string{"ping", "pong"}[i%2])
	}
	return s
}

// play runs a game of n hits in a bubble and returns what the recorder saw
// when Play returned, and after every goroutine had settled. No player
// may be left when Play returns (returned, see returned), nor once the
// bubble is still (no time passed).
func play(t *testing.T, n int) (atReturn, settled snapshot) {
	t.Helper()
	r := &recorder{n: n}
	returned(t, n, r.hit)
	atReturn = r.snapshot()
	check.Settled(t, fmt.Sprintf("Play(%d, hit) returned", n))
	time.Sleep(10 * time.Millisecond)
	synctest.Wait()
	return atReturn, r.snapshot()
}

// returned calls Play(n, hit) and looks at the very moment it returns, on
// one P (check.EndedOrSentAtReturn): a player that Play did not wait for,
// one only told to stop by a close (woken, but still at its receive), is
// still there, on every run. A player whose last act was a send that Play
// received counts as ended: Play did wait for it.
func returned(t *testing.T, n int, hit func(string)) {
	t.Helper()
	check.EndedOrSentAtReturn(t, fmt.Sprintf("Play(%d, hit) returned", n), func() { pingpong.Play(n, hit) })
}

// TestAlternates: games of 0, 1, 2, 7 and 10 hits go ping, pong, ping, ...,
// with exactly n hits, one at a time.
func TestAlternates(t *testing.T) {
	check.Seal(t)
	// A negative n is a game of no hits, as 0 is.
	for _, n := range []int{-1, 0, 1, 2, 7, 10} {
		check.InBubble(t, stuck, func(t *testing.T) {
			_, s := play(t, n)
			assert.Zero(t, s.overlaps,
				"in Play(%d, hit), a player hit while the other player's hit was still running. Only the player holding the ball may hit:\n"+
					"wait to receive the ball, hit, and only then pass it on. Unbuffered channels make a pass a handshake.", n)
			assert.Zero(t, s.extra, "Play(%d, hit) called hit more than %d times: the game must stop after the n-th hit", n, n)
			assert.Equal(t, rally(max(n, 0)), s.seq,
				"Play(%d, hit) must call hit exactly %d times, alternating strictly, ping first: ping, pong, ping, ...", n, n)
		})
	}
}

// TestTwoPlayers: ping always hits from one goroutine, pong from another,
// and neither is the goroutine that called Play.
func TestTwoPlayers(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		caller := goid()
		_, s := play(t, 10)
		require.Len(t, s.seq, 10, "Play(10, hit) must call hit 10 times")
		from := map[string]map[int]bool{"ping": {}, "pong": {}}
		for i, p := range s.seq {
			if from[p] == nil {
				t.Fatalf("hit was called with %q; the players are named \"ping\" and \"pong\"", p)
			}
			from[p][s.gids[i]] = true
		}
		require.Len(t, from["ping"], 1, "every ping must be hit by the same goroutine, the ping player")
		require.Len(t, from["pong"], 1, "every pong must be hit by the same goroutine, the pong player")
		for p := range from["ping"] {
			assert.False(t, from["pong"][p],
				"ping and pong were hit by the same goroutine. Each player must be a goroutine of its own:\n"+
					"the exercise is two goroutines taking turns, not one loop that alternates.")
			assert.NotEqual(t, caller, p, "the players must run in goroutines of their own, not in the goroutine that called Play")
		}
	})
}

// TestPlayReturnsWhenGameOver: Play returns once the last hit has returned
// and both players have stopped (check.Settled in play: no player is left
// once the bubble is still, before any time passes).
func TestPlayReturnsWhenGameOver(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{5, 6} {
		check.InBubble(t, stuck, func(t *testing.T) {
			s, _ := play(t, n)
			assert.Len(t, s.seq, n,
				"when Play(%d, hit) returned, hit had been called %d times instead of %d. Play must wait until the game is over\n"+
					"(a sync.WaitGroup over the two players).", n, len(s.seq), n)
			assert.Zero(t, s.inFlight,
				"Play returned while the last hit was still running. Play must wait until both players have stopped,\n"+
					"not only one of them.")
		})
	}
}

// TestNoGoroutineLeft: when Play has returned, both players have stopped:
// at that very moment (returned: a player only told to stop is seen), and
// check.Settled finds none of their goroutines without letting any time
// pass (a player left waiting for a ball, or one that ends only after a
// timer, is seen).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	for n := range 7 {
		check.InBubble(t, stuck, func(t *testing.T) {
			hits := 0
			returned(t, n, func(string) {
				hits++
				if hits > n {
					runtime.Goexit() // a game that never ends fails at once
				}
			})
			check.Settled(t, fmt.Sprintf("Play(%d, hit) returned", n))
			assert.Equal(t, n, hits, "Play(%d, hit) must call hit %d times", n, n)
		})
	}
}
