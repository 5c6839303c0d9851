//! Who may do what: roles, password hashing (argon2), random tokens, and the limiter of failed
//! logins (`limiter`). Pure apart from the operating system's random numbers; the clock is
//! passed in.

pub mod limiter;
pub use limiter::{Failure, LoginLimiter, RefusalLog, Verdict};

use crate::domain::codes;
use argon2::password_hash::{PasswordHasher, phc::PasswordHash};
use sha2::{Digest, Sha256};

/// What an account may do. Ordered by reach: a 管理员 may do everything a 考评办 may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 报送单位: uploads the indicators assigned to its provider name, into drafts.
    Provider,
    /// 考评办: uploads, previews and confirms imports into drafts, sees drafts, prepares 揭榜.
    Staff,
    /// 管理员: everything, including accounts, 揭榜 and corrections.
    Admin,
}

codes!("角色" Role {
    Admin = "admin" | "管理员",
    Staff = "staff" | "考评办",
    Provider = "provider" | "报送单位",
});

impl Role {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Staff => "考评办",
            Role::Provider => "报送单位",
        }
    }
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (argon2 takes any length; this bounds the work per attempt).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Why a password cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少需要{MIN_PASSWORD_CHARS}个字符")]
    TooShort,
    #[error("密码最多{MAX_PASSWORD_CHARS}个字符")]
    TooLong,
    #[error("密码不能与账号名相同")]
    SameAsName,
    #[error("无法计算密码摘要：{0}")]
    Hash(String),
}

/// The rules a new password must meet (cheap: checked before any argon2 work).
pub fn check_new_password(name: &str, password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    if password == name {
        return Err(PasswordError::SameAsName);
    }
    Ok(())
}

/// Checks a new password and returns its argon2id hash (a PHC string with its own salt).
pub fn hash_password(name: &str, password: &str) -> Result<String, PasswordError> {
    check_new_password(name, password)?;
    // Argon2id with the crate's default (OWASP-recommended) parameters and a random salt.
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Largest argon2 memory a stored hash may ask for (64 MiB, in 1 KiB blocks).
const MAX_BLOCKS: usize = 64 * 1024;

thread_local! {
    /// argon2's working memory (19 MiB with the default parameters), kept by each thread that
    /// checks passwords and reused: allocated per check, a flood of logins left that much in
    /// every allocator arena it touched; reused, memory stays flat.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether `password` matches a stored hash (a malformed hash matches nothing).
#[must_use]
pub fn verify_password(password: &str, hash: &str) -> bool {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return false;
    }
    let Ok(h) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        argon2::Params::try_from(&h),
        argon2::Algorithm::try_from(h.algorithm.as_str()),
    ) else {
        return false;
    };
    let version = match h.version {
        Some(v) => match argon2::Version::try_from(v) {
            Ok(v) => v,
            Err(_) => return false,
        },
        None => argon2::Version::default(),
    };
    let (Some(salt), Some(expected)) = (&h.salt, &h.hash) else {
        return false;
    };
    let n = params.block_count();
    let mut out = [0u8; 64];
    let Some(out) = out.get_mut(..expected.len()) else {
        return false;
    };
    if n > MAX_BLOCKS {
        return false;
    }
    let argon = argon2::Argon2::new(algorithm, version, params);
    let computed = BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() < n {
            blocks.resize(n, argon2::Block::new());
        }
        argon
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt.as_ref(),
                out,
                &mut blocks[..n],
            )
            .is_ok()
    });
    computed && same_bytes(out, expected.as_bytes())
}

/// Compares two byte strings in time that does not depend on where they differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A hash nobody's password matches, verified against when an account does not exist so that
/// a wrong name takes as long as a wrong password.
#[must_use]
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password("", "decoy-password-never-used").unwrap_or_else(|_| String::new())
    })
}

/// 32 random bytes from the operating system, as 64 hex digits.
#[must_use]
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    fill_random(&mut b);
    hex(&b)
}

/// The form a token is stored in (a copy of the database gives nobody a session).
#[must_use]
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn fill_random(buf: &mut [u8]) {
    // Without the operating system's randomness no secret can be made: stop rather than
    // hand out a guessable one.
    if let Err(e) = getrandom::fill(buf) {
        panic!("operating system random numbers unavailable: {e}");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time that does not depend on where they differ.
#[must_use]
pub fn same_secret(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("kpb", "correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_eq!(hash_password("a", "short"), Err(PasswordError::TooShort));
        assert_eq!(
            hash_password("longername1", "longername1"),
            Err(PasswordError::SameAsName)
        );
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(token_hash(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
    }
}
