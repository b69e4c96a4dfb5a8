//go:build gclhidden

// MUTANT (requirement 3: no transfer waits forever, "whatever the accounts are
// called"): the lock order is "alphabetical" with strings.ToLower, so
// names that differ only in case ("Bob" and "bob", "ACME" and "acme") tie,
// and then each transfer locks from first: opposite transfers between two
// such accounts can deadlock.
package banktransfers

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

var (
	ErrInvalidAmount     = errors.New("banktransfers: the amount must be positive")
	ErrSameAccount       = errors.New("banktransfers: cannot transfer to the same account")
	ErrInsufficientFunds = errors.New("banktransfers: insufficient funds")
)

type Store interface {
	Lock(account string)
	Unlock(account string)
	Balance(account string) int
	SetBalance(account string, cents int)
}

type Bank struct {
	store Store
}

func New(store Store) *Bank {
	return &Bank{store: store}
}

var _ = fmt.Errorf
var _ = sort.Strings

func (b *Bank) Transfer(from, to string, amount int) error {
	if amount <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return ErrSameAccount
	}
	first, second := from, to
	if strings.ToLower(second) < strings.ToLower(first) {
		first, second = second, first
	}
	b.store.Lock(first)
	defer b.store.Unlock(first)
	b.store.Lock(second)
	defer b.store.Unlock(second)
	bal := b.store.Balance(from)
	if bal < amount {
		return fmt.Errorf("%w: %s has %d, needs %d", ErrInsufficientFunds, from, bal, amount)
	}
	b.store.SetBalance(from, bal-amount)
	b.store.SetBalance(to, b.store.Balance(to)+amount)
	return nil
}
