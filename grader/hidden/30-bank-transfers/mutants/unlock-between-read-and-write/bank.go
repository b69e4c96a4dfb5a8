//go:build gclhidden

// Package banktransfers moves money between accounts, from many goroutines
// at once.
package banktransfers

import (
	"errors"
	"fmt"
)

// The errors of Transfer.
var (
	ErrInvalidAmount     = errors.New("banktransfers: the amount must be positive")
	ErrSameAccount       = errors.New("banktransfers: cannot transfer to the same account")
	ErrInsufficientFunds = errors.New("banktransfers: insufficient funds")
)

// A Store keeps the balance of every account, in cents, like the rows of a
// database table. Its methods may be called from many goroutines at once,
// but Balance and SetBalance only for an account whose lock the caller
// holds, like rows locked with SELECT ... FOR UPDATE.
type Store interface {
	// Lock blocks until nobody else holds the account's lock, then takes it.
	// It is not reentrant: locking an account twice waits forever.
	Lock(account string)
	Unlock(account string)
	Balance(account string) int
	SetBalance(account string, cents int)
}

// A Bank moves money between the accounts of its store.
type Bank struct {
	store Store
}

// New returns a bank over store.
func New(store Store) *Bank {
	return &Bank{store: store}
}

// Transfer moves amount cents from one account to another, or does nothing
// and returns an error: ErrInvalidAmount if amount is not positive,
// ErrSameAccount if from and to are the same account, ErrInsufficientFunds
// (possibly wrapped) if from has less than amount. Transfers may run in many
// goroutines at once: no money may appear or vanish, and no two transfers
// may ever wait for each other forever.
func (b *Bank) Transfer(from, to string, amount int) error {
	if amount <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return ErrSameAccount // and locking the one account twice would wait forever
	}
	// Lock the two accounts in one order for every transfer, by name: then
	// A->B and B->A both lock A first, and the one that gets it also gets
	// B. Locking from, then to, lets each hold one and wait for the other.
	first, second := from, to
	if second < first {
		first, second = second, first
	}
	b.store.Lock(first)
	defer b.store.Unlock(first)
	b.store.Lock(second)
	defer b.store.Unlock(second)

	// Check and update under the same locks: a check made before locking
	// may be stale by the time the money moves.
	balance := b.store.Balance(from)
	b.store.Unlock(second) // lets go between reading a balance and writing it back
	b.store.Lock(second)
	if balance < amount {
		return fmt.Errorf("%w: %s has %d, the transfer needs %d", ErrInsufficientFunds, from, balance, amount)
	}
	b.store.SetBalance(from, balance-amount)
	b.store.SetBalance(to, b.store.Balance(to)+amount)
	return nil
}
