//! The limiter of password checks: failed logins (and wrong current passwords) counted per
//! account and address pair, per address, and per account, in fixed-size entries with a hard
//! bound on how many it keeps. Pure: the clock (Unix seconds) is passed in.
//!
//! The rules, as the login page states them:
//! - a pair (account, address) is locked for `LOCK_SECS` after `MAX_FAILED_PER_PAIR` failures
//!   within `WINDOW_SECS`: five wrong passwords from one desk lock that desk out of that
//!   account, not the account's owner at her own desk;
//! - an address is locked after `MAX_FAILED_PER_ADDRESS` failures (any accounts);
//! - an account under attack from many addresses (`MAX_FAILED_PER_ACCOUNT` failures in the
//!   window) is only tried from addresses it logged in from before (`trusted`): the owner
//!   still logs in from her own desk during a flood from elsewhere;
//! - a 管理员 may lift an account's locks at once (`unlock_account`).
//!
//! Memory: at most `MAX_ENTRIES` counters and `MAX_TRUSTED` trusted pairs. When the counters
//! are full, expired ones go first, then the oldest unlocked ones; a lock still running is
//! never forgotten. If every counter is a running lock, a new address or account is refused
//! until one expires (`Verdict::Busy`) — the flood waits, not the locks.

use std::collections::HashMap;

pub const WINDOW_SECS: i64 = 15 * 60;
pub const LOCK_SECS: i64 = 15 * 60;
pub const MAX_FAILED_PER_PAIR: u32 = 5;
pub const MAX_FAILED_PER_ADDRESS: u32 = 20;
pub const MAX_FAILED_PER_ACCOUNT: u32 = 50;
/// Counters kept at most (each a few dozen bytes plus its key).
pub const MAX_ENTRIES: usize = 50_000;
/// Trusted (account, address) pairs kept at most; only a correct password adds one.
pub const MAX_TRUSTED: usize = 4_096;
/// A pair stays trusted this long after its last successful login.
pub const TRUST_SECS: i64 = 90 * 24 * 3600;

/// Account names are at most 40 characters; a longer one is no account and never a large key.
const MAX_KEY_CHARS: usize = 41;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, String),
    Address(String),
    Account(String),
}

impl Key {
    fn limit(&self) -> u32 {
        match self {
            Key::Pair(..) => MAX_FAILED_PER_PAIR,
            Key::Address(_) => MAX_FAILED_PER_ADDRESS,
            Key::Account(_) => MAX_FAILED_PER_ACCOUNT,
        }
    }
    /// Which counters go first when the table is full: a desk's before an address's before
    /// an account's (the per-account cap is the last line against a distributed guess).
    fn evict_rank(&self) -> u8 {
        match self {
            Key::Pair(..) => 0,
            Key::Address(_) => 1,
            Key::Account(_) => 2,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    failures: u32,
    /// When the window of these failures began.
    since: i64,
    last: i64,
    locked_until: Option<i64>,
}

impl Counter {
    fn locked(&self, now: i64) -> bool {
        self.locked_until.is_some_and(|u| u > now)
    }
    fn expired(&self, now: i64) -> bool {
        !self.locked(now) && now - self.since >= WINDOW_SECS
    }
}

/// What may happen to an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password.
    Check,
    /// Locked: try again after this many seconds (or ask a 管理员 to unlock).
    Locked { wait_secs: i64, since: i64 },
    /// The account is under attack from many addresses and this one is not trusted.
    AccountUnderAttack { wait_secs: i64, since: i64 },
    /// The limiter is full of running locks: nobody new is checked until one expires.
    Busy,
}

/// What a failure did, for the audit log: the first failure of a pair in its window and the
/// one that locks it are written; the ones between are only counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    First,
    Counted,
    NowLocked,
}

#[derive(Default)]
pub struct LoginLimiter {
    counters: HashMap<Key, Counter>,
    trusted: HashMap<(String, String), i64>,
    /// When the table was last found full of running locks: no room until the first of them
    /// ends (so a flood at the bound costs no scan per attempt).
    full_until: Option<i64>,
}

fn clip(s: &str) -> String {
    s.chars().take(MAX_KEY_CHARS).collect()
}

impl LoginLimiter {
    /// How many counters and trusted pairs are held (for the bound's tests).
    #[must_use]
    pub fn len(&self) -> (usize, usize) {
        (self.counters.len(), self.trusted.len())
    }

    #[must_use]
    pub fn is_trusted(&self, account: &str, address: &str, now: i64) -> bool {
        self.trusted
            .get(&(clip(account), clip(address)))
            .is_some_and(|t| now - t < TRUST_SECS)
    }

    fn lock_of(&self, key: &Key, now: i64) -> Option<(i64, i64)> {
        self.counters
            .get(key)
            .filter(|c| c.locked(now))
            .and_then(|c| Some((c.locked_until? - now, c.since)))
    }

    /// Whether an attempt on `account` from `address` may check a password now.
    pub fn verdict(&mut self, account: &str, address: &str, now: i64) -> Verdict {
        let (account, address) = (clip(account), clip(address));
        let trusted = self.is_trusted(&account, &address, now);
        let pair = Key::Pair(account.clone(), address.clone());
        if let Some((wait_secs, since)) = self.lock_of(&pair, now) {
            return Verdict::Locked { wait_secs, since };
        }
        if !trusted {
            if let Some((wait_secs, since)) = self.lock_of(&Key::Address(address.clone()), now) {
                return Verdict::Locked { wait_secs, since };
            }
            if let Some((wait_secs, since)) = self.lock_of(&Key::Account(account.clone()), now) {
                return Verdict::AccountUnderAttack { wait_secs, since };
            }
            // A new key could not be counted: refuse rather than check uncounted.
            let new_keys = [pair, Key::Address(address), Key::Account(account)]
                .iter()
                .filter(|k| !self.counters.contains_key(k))
                .count();
            if !self.make_room(new_keys, now) {
                return Verdict::Busy;
            }
        }
        Verdict::Check
    }

    /// Frees room for `n` new counters: expired ones first, then the oldest unlocked ones
    /// (a tenth of the table at once, so a flood at the bound does not sort on every attempt);
    /// never a running lock. False when there is no room.
    fn make_room(&mut self, n: usize, now: i64) -> bool {
        if self.counters.len() + n <= MAX_ENTRIES {
            return true;
        }
        if self.full_until.is_some_and(|t| now < t) {
            return false;
        }
        self.counters.retain(|_, c| !c.expired(now));
        let over = (self.counters.len() + n).saturating_sub(MAX_ENTRIES);
        if over > 0 {
            let mut unlocked: Vec<(u8, i64, Key)> = self
                .counters
                .iter()
                .filter(|(_, c)| !c.locked(now))
                .map(|(k, c)| (k.evict_rank(), c.last, k.clone()))
                .collect();
            unlocked.sort_by_key(|(rank, last, _)| (*rank, *last));
            for (_, _, k) in unlocked.into_iter().take(over.max(MAX_ENTRIES / 10)) {
                self.counters.remove(&k);
            }
        }
        let room = self.counters.len() + n <= MAX_ENTRIES;
        self.full_until = if room {
            None
        } else {
            self.counters.values().filter_map(|c| c.locked_until).min()
        };
        room
    }

    fn bump(&mut self, key: Key, now: i64) -> (bool, bool) {
        let limit = key.limit();
        let c = self.counters.entry(key).or_insert(Counter {
            failures: 0,
            since: now,
            last: now,
            locked_until: None,
        });
        if c.expired(now) {
            *c = Counter {
                failures: 0,
                since: now,
                last: now,
                locked_until: None,
            };
        }
        c.failures = c.failures.saturating_add(1);
        c.last = now;
        let first = c.failures == 1;
        let locks = c.failures >= limit && !c.locked(now);
        if locks {
            c.locked_until = Some(now + LOCK_SECS);
        }
        (first, locks)
    }

    /// Takes one count back from a key; a lock stands only while its count is at the limit
    /// (an attempt counted and then found right, or never checked, leaves no lock behind),
    /// and a counter back at zero is forgotten.
    fn unbump(&mut self, key: &Key) {
        let limit = key.limit();
        if let Some(c) = self.counters.get_mut(key) {
            c.failures = c.failures.saturating_sub(1);
            if c.failures < limit {
                c.locked_until = None;
            }
            if c.failures == 0 {
                self.counters.remove(key);
            }
        }
    }

    /// The verdict and, when it is `Check`, the attempt counted as a failure in the same
    /// step (so two parallel attempts cannot both pass at four of five). The count is taken
    /// back by `retract` (never checked) or `succeed` (the password was right).
    pub fn attempt(&mut self, account: &str, address: &str, now: i64) -> Result<Failure, Verdict> {
        match self.verdict(account, address, now) {
            Verdict::Check => Ok(self.fail(account, address, now)),
            v => Err(v),
        }
    }

    /// Counts a wrong password (or an attempt about to be checked: see `attempt`).
    pub fn fail(&mut self, account: &str, address: &str, now: i64) -> Failure {
        let (account, address) = (clip(account), clip(address));
        // Room was made by `verdict` (a trusted pair may go over the bound by its three).
        let (first, pair_locks) = self.bump(Key::Pair(account.clone(), address.clone()), now);
        let (_, address_locks) = self.bump(Key::Address(address), now);
        let (_, account_locks) = self.bump(Key::Account(account), now);
        if pair_locks || address_locks || account_locks {
            Failure::NowLocked
        } else if first {
            Failure::First
        } else {
            Failure::Counted
        }
    }

    /// Takes back a failure counted before a check that did not run (the checks were busy).
    pub fn retract(&mut self, account: &str, address: &str, _now: i64) {
        let (account, address) = (clip(account), clip(address));
        for key in [
            Key::Pair(account.clone(), address.clone()),
            Key::Address(address),
            Key::Account(account),
        ] {
            self.unbump(&key);
        }
    }

    /// Takes back the failure counted before a check whose password was right: the desk's
    /// count restarts, the address's and account's lose this attempt, and the pair becomes
    /// trusted.
    pub fn succeed(&mut self, account: &str, address: &str, now: i64) {
        let (account, address) = (clip(account), clip(address));
        self.counters
            .remove(&Key::Pair(account.clone(), address.clone()));
        self.unbump(&Key::Address(address.clone()));
        self.unbump(&Key::Account(account.clone()));
        if self.trusted.len() >= MAX_TRUSTED
            && !self
                .trusted
                .contains_key(&(account.clone(), address.clone()))
        {
            self.trusted.retain(|_, t| now - *t < TRUST_SECS);
            if self.trusted.len() >= MAX_TRUSTED
                && let Some(oldest) = self
                    .trusted
                    .iter()
                    .min_by_key(|(_, t)| **t)
                    .map(|(k, _)| k.clone())
            {
                self.trusted.remove(&oldest);
            }
        }
        self.trusted.insert((account, address), now);
    }

    /// The accounts with a running lock: on a desk, under attack, or tried from an address
    /// that is locked. Sorted.
    #[must_use]
    pub fn locked_accounts(&self, now: i64) -> Vec<String> {
        let locked_address = |d: &String| {
            self.counters
                .get(&Key::Address(d.clone()))
                .is_some_and(|c| c.locked(now))
        };
        let mut names: Vec<String> = self
            .counters
            .iter()
            .filter_map(|(k, c)| match k {
                Key::Pair(a, d) if c.locked(now) || locked_address(d) => Some(a.clone()),
                Key::Account(a) if c.locked(now) => Some(a.clone()),
                _ => None,
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Lifts every lock and count of an account (a 管理员's unlock), and the address locks of
    /// the desks it was tried from (an address locked by the account's own mistakes would
    /// otherwise still keep its owner out).
    pub fn unlock_account(&mut self, account: &str) {
        let account = clip(account);
        let desks: std::collections::HashSet<String> = self
            .counters
            .keys()
            .filter_map(|k| match k {
                Key::Pair(a, d) if *a == account => Some(d.clone()),
                _ => None,
            })
            .collect();
        self.counters.retain(|k, _| match k {
            Key::Pair(a, _) | Key::Account(a) => *a != account,
            Key::Address(d) => !desks.contains(d),
        });
    }
}

/// Refused logins written one by one at most this many per minute; the rest are counted and
/// written as one summary line now and then.
pub const AUDIT_ROWS_PER_MINUTE: u32 = 20;
/// Distinct addresses remembered for the summary at most (beyond it they are only counted).
const SUMMARY_ADDRESSES: usize = 10_000;

/// Which refused logins get a line of their own in the audit log: a bounded number per
/// minute. Every one is at least counted in a summary line (`take_summary`).
#[derive(Default)]
pub struct RefusalLog {
    minute: i64,
    rows: u32,
    unlogged: u64,
    addresses: std::collections::HashSet<String>,
    more_addresses: usize,
}

impl RefusalLog {
    /// Whether one more line may be written now (and counts it).
    pub fn may_write(&mut self, now: i64) -> bool {
        if now / 60 != self.minute {
            self.minute = now / 60;
            self.rows = 0;
        }
        if self.rows < AUDIT_ROWS_PER_MINUTE {
            self.rows += 1;
            true
        } else {
            false
        }
    }

    /// Counts a refusal that gets no line of its own.
    pub fn count(&mut self, address: &str) {
        self.unlogged += 1;
        if self.addresses.len() < SUMMARY_ADDRESSES {
            self.addresses.insert(clip(address));
        } else if !self.addresses.contains(address) {
            self.more_addresses += 1;
        }
    }

    /// The refusals counted since the last summary and from how many addresses (at least);
    /// `None` when there were none.
    pub fn take_summary(&mut self) -> Option<(u64, usize)> {
        if self.unlogged == 0 {
            return None;
        }
        let out = (self.unlogged, self.addresses.len() + self.more_addresses);
        self.unlogged = 0;
        self.addresses.clear();
        self.more_addresses = 0;
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_locks_after_five_and_frees_after_the_lock() {
        let mut l = LoginLimiter::default();
        let t0 = 1_000_000;
        assert_eq!(l.fail("kpb", "10.0.0.9", t0), Failure::First);
        for _ in 1..MAX_FAILED_PER_PAIR - 1 {
            assert_eq!(l.fail("kpb", "10.0.0.9", t0), Failure::Counted);
        }
        assert_eq!(l.verdict("kpb", "10.0.0.9", t0), Verdict::Check);
        assert_eq!(l.fail("kpb", "10.0.0.9", t0), Failure::NowLocked);
        assert!(matches!(
            l.verdict("kpb", "10.0.0.9", t0 + 1),
            Verdict::Locked { wait_secs, .. } if wait_secs == LOCK_SECS - 1
        ));
        // The same account from another desk is not locked.
        assert_eq!(l.verdict("kpb", "10.0.0.7", t0), Verdict::Check);
        assert_eq!(l.verdict("kpb", "10.0.0.9", t0 + LOCK_SECS), Verdict::Check);
    }

    #[test]
    fn refusals_beyond_the_budget_are_summarised() {
        let mut r = RefusalLog::default();
        let written = (0..100).filter(|_| r.may_write(60)).count();
        assert_eq!(written, AUDIT_ROWS_PER_MINUTE as usize);
        assert!(r.may_write(120), "a new minute, a new budget");
        for i in 0..80 {
            r.count(&format!("a{}", i % 7));
        }
        assert_eq!(r.take_summary(), Some((80, 7)));
        assert_eq!(r.take_summary(), None);
    }

    #[test]
    fn an_attempt_counted_but_not_checked_or_right_leaves_no_lock() {
        let mut l = LoginLimiter::default();
        for _ in 0..MAX_FAILED_PER_PAIR - 1 {
            l.fail("kpb", "a", 0);
        }
        // The fifth attempt is counted (and would lock), then the checks were busy.
        assert_eq!(l.attempt("kpb", "a", 1), Ok(Failure::NowLocked));
        l.retract("kpb", "a", 1);
        assert_eq!(
            l.verdict("kpb", "a", 2),
            Verdict::Check,
            "no lock behind a busy refusal"
        );
        // A shared address at 19 failures: a right password as the 20th locks nobody.
        let mut l = LoginLimiter::default();
        for i in 0..MAX_FAILED_PER_ADDRESS - 1 {
            l.fail(&format!("u{i}"), "shared", 0);
        }
        assert_eq!(l.attempt("owner", "shared", 1), Ok(Failure::NowLocked));
        l.succeed("owner", "shared", 1);
        assert_eq!(l.verdict("stranger", "shared", 2), Verdict::Check);
        // Two attempts in one step each: the fifth and sixth cannot both pass.
        let mut l = LoginLimiter::default();
        for _ in 0..MAX_FAILED_PER_PAIR - 1 {
            l.fail("kpb", "b", 0);
        }
        assert!(l.attempt("kpb", "b", 1).is_ok());
        assert!(matches!(
            l.attempt("kpb", "b", 1),
            Err(Verdict::Locked { .. })
        ));
    }

    #[test]
    fn an_unlock_lifts_the_address_lock_of_the_accounts_desk() {
        let mut l = LoginLimiter::default();
        for i in 0..MAX_FAILED_PER_ADDRESS {
            l.fail(if i % 4 == 0 { "kpb" } else { "other" }, "desk", 0);
        }
        assert!(matches!(
            l.verdict("kpb", "desk", 1),
            Verdict::Locked { .. }
        ));
        assert_eq!(l.locked_accounts(1), ["kpb", "other"]);
        l.unlock_account("kpb");
        assert_eq!(l.verdict("kpb", "desk", 1), Verdict::Check);
    }

    #[test]
    fn an_unlock_lifts_the_accounts_locks_only() {
        let mut l = LoginLimiter::default();
        for _ in 0..MAX_FAILED_PER_PAIR {
            l.fail("kpb", "a", 0);
            l.fail("other", "b", 0);
        }
        l.unlock_account("kpb");
        assert_eq!(l.verdict("kpb", "a", 1), Verdict::Check);
        assert!(matches!(l.verdict("other", "b", 1), Verdict::Locked { .. }));
    }

    #[test]
    fn a_flood_on_an_account_leaves_its_owners_desk_open() {
        let mut l = LoginLimiter::default();
        l.succeed("admin", "10.0.0.1", 0);
        for i in 0..MAX_FAILED_PER_ACCOUNT {
            l.fail("admin", &format!("192.168.{}.{}", i / 200, i % 200), 10);
        }
        assert!(matches!(
            l.verdict("admin", "192.168.9.9", 11),
            Verdict::AccountUnderAttack { .. }
        ));
        assert_eq!(l.verdict("admin", "10.0.0.1", 11), Verdict::Check);
    }

    #[test]
    fn memory_is_bounded_and_running_locks_are_never_forgotten() {
        let mut l = LoginLimiter::default();
        // One locked pair, then a flood of new names and addresses three times the bound.
        for _ in 0..MAX_FAILED_PER_PAIR {
            l.fail("admin", "10.0.0.5", 0);
        }
        for i in 0..(MAX_ENTRIES as u32) {
            let (name, addr) = (format!("n{i}"), format!("a{}", i % 60_000));
            if l.verdict(&name, &addr, 1) == Verdict::Check {
                l.fail(&name, &addr, 1);
            }
            assert!(l.len().0 <= MAX_ENTRIES, "bounded at {i}");
        }
        assert!(matches!(
            l.verdict("admin", "10.0.0.5", 2),
            Verdict::Locked { .. }
        ));
    }

    #[test]
    fn when_every_counter_is_a_running_lock_newcomers_wait() {
        let mut l = LoginLimiter::default();
        // Four names from each address, five times each: every pair, address and account
        // locked. About five counters per address.
        let addresses = (MAX_ENTRIES - 4) / 5;
        for a in 0..addresses {
            for n in 0..4 {
                for _ in 0..MAX_FAILED_PER_PAIR {
                    l.fail(&format!("n{n}"), &format!("a{a}"), 0);
                }
            }
        }
        assert!(l.len().0 <= MAX_ENTRIES);
        assert_eq!(l.verdict("newcomer", "elsewhere", 1), Verdict::Busy);
        assert!(matches!(l.verdict("n0", "a0", 1), Verdict::Locked { .. }));
        // A trusted desk is not kept waiting by a full table.
        l.succeed("admin", "desk", 1);
        assert_eq!(l.verdict("admin", "desk", 2), Verdict::Check);
        // Once the locks end there is room again.
        assert_eq!(
            l.verdict("newcomer", "elsewhere", LOCK_SECS + 1),
            Verdict::Check
        );
    }
}
