//! Password work runs on a few threads of its own. argon2 takes ~19 MiB and tens of
//! milliseconds per check by design; run on the blocking pool's hundreds of threads, a flood
//! of logins left that much memory in each thread's allocator arena (gigabytes). Here at most
//! `GENERAL_WORKERS` + 1 checks run at once, each on a thread that reuses its memory, and at
//! most `QUEUE` wait; anything more is refused at once (`Busy`: 429, try again).
//!
//! One worker is kept for trusted pairs (an account at an address it logged in from before),
//! so an administrator at her own desk still logs in while strangers flood the others.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send + 'static>;

pub const GENERAL_WORKERS: usize = 3;
/// Checks waiting per lane at most.
pub const QUEUE: usize = 8;

/// Which worker a check may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    General,
    /// An account at an address it logged in from before; also used by logged-in staff
    /// (changing a password, creating an account), who have a session already.
    Trusted,
}

/// Too many password checks at once: refused without waiting.
#[derive(Debug, Clone, Copy)]
pub struct Busy;

pub struct PasswordPool {
    general: SyncSender<Job>,
    trusted: SyncSender<Job>,
}

fn spawn_workers(n: usize, rx: Receiver<Job>, name: &str) {
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..n {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("{name}-{i}"))
            .spawn(move || {
                loop {
                    // The lock is held only to take the next job.
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        // A panicking check loses its answer (the caller sees `Busy`), not
                        // the worker.
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        // Every sender is gone: the server stopped.
                        Err(_) => return,
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start a password worker: {e}");
        }
    }
}

impl Default for PasswordPool {
    fn default() -> Self {
        let (general, rx) = sync_channel::<Job>(QUEUE);
        spawn_workers(GENERAL_WORKERS, rx, "passwords");
        let (trusted, rx) = sync_channel::<Job>(QUEUE);
        spawn_workers(1, rx, "passwords-trusted");
        PasswordPool { general, trusted }
    }
}

impl PasswordPool {
    /// Runs `f` on a password thread of `lane` and awaits its result; `Busy` when the lane's
    /// queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        lane: Lane,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        let sender = match lane {
            Lane::General => &self.general,
            Lane::Trusted => &self.trusted,
        };
        match sender.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => return Err(Busy),
        }
        rx.await.map_err(|_| Busy)
    }
}
