//! The architecture's rules as a test (rust-analyzer's `tidy`): what ARCHITECTURE.md says must
//! not happen fails here when it does. Reads the source tree; test modules (`#[cfg(test)]` to
//! the end of a file) and comments are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its test module, comments and string contents.
fn code_of(text: &str, keep_strings: bool) -> String {
    let text = text.find("#[cfg(test)]").map_or(text, |i| &text[..i]);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        if in_str {
            if c == '\\' {
                let n = chars.next();
                if keep_strings {
                    out.push(c);
                    out.extend(n);
                }
                continue;
            }
            if c == '"' {
                in_str = false;
                out.push(c);
            } else if keep_strings {
                out.push(c);
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            for n in chars.by_ref() {
                if n == '\n' {
                    out.push('\n');
                    break;
                }
            }
            continue;
        }
        if c == '\'' {
            // A char literal like '"' must not open a string.
            let mut look = chars.clone();
            if let (Some(a), Some(b)) = (look.next(), look.next())
                && b == '\''
                && a != '\\'
            {
                chars.next();
                chars.next();
                out.push_str("' '");
                continue;
            }
        }
        if c == '"' {
            in_str = true;
        }
        out.push(c);
    }
    out
}

fn src_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root().join("src"))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// `web/admin/mod.rs` → ["web", "admin"]; `lib.rs` and `main.rs` → [].
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        return Vec::new();
    }
    parts
}

fn is_module(parts: &[String]) -> bool {
    let base = root().join("src").join(parts.join("/"));
    base.with_extension("rs").is_file() || base.is_dir()
}

fn idents_after(s: &str) -> Vec<String> {
    s.split("::")
        .map(|p| {
            p.chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                .collect::<String>()
        })
        .take_while(|p| !p.is_empty())
        .take(2)
        .collect()
}

/// Every module path a file names (`crate::a::b`, `crate::{a, b::c}`, `super::x`).
fn targets(me: &[String], code: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for part in inner.split(',') {
                let t = idents_after(part.trim());
                if !t.is_empty() {
                    out.insert(t);
                }
            }
        } else {
            let t = idents_after(rest);
            if !t.is_empty() {
                out.insert(t);
            }
        }
    }
    let parent = &me[..me.len().saturating_sub(1)];
    for (i, _) in code.match_indices("super::") {
        if i > 0 && code[..i].ends_with("::") {
            continue;
        }
        let t = idents_after(&code[i + 7..]);
        if let Some(first) = t.first() {
            let mut full = parent.to_vec();
            full.push(first.clone());
            out.insert(full);
        }
    }
    out
}

#[test]
fn no_module_cycles() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in src_files() {
        let me = module_of(&rel);
        if me.is_empty() {
            continue;
        }
        for mut t in targets(&me, &code_of(&text, false)) {
            if t.len() >= 2 && !is_module(&t[..2]) {
                t.truncate(1);
            }
            if t[0] != me[0] {
                edges.entry(me[0].clone()).or_default().insert(t[0].clone());
            } else if me.len() >= 2 && t.len() >= 2 && t[1] != me[1] {
                edges
                    .entry(format!("{}/{}", me[0], me[1]))
                    .or_default()
                    .insert(format!("{}/{}", t[0], t[1]));
            }
        }
    }
    assert!(edges.len() > 10, "the arrows were found: {edges:?}");
    // A cycle is a path back to where it started.
    let mut cycles = Vec::new();
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((at, path)) = todo.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == start {
                    cycles.push(path.join(" -> ") + " -> " + start);
                } else if seen.insert(next.clone()) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    todo.push((next.clone(), p));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn write_transactions_are_opened_only_in_ops() {
    let mut found = Vec::new();
    for (rel, text) in src_files() {
        if rel.starts_with("ops/") || rel == "store/mod.rs" {
            continue;
        }
        let code = code_of(&text, false);
        for needle in [
            "begin_write(",
            "write_tx(",
            ".transaction(",
            "transaction_with_behavior(",
            "unchecked_transaction(",
        ] {
            if code.contains(needle) {
                found.push(format!("{rel}: {needle}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a write transaction outside ops:\n{}",
        found.join("\n")
    );
}

#[test]
fn rank_and_tier_words_are_only_in_present() {
    let words = [
        "\"红榜\"",
        "\"黑榜\"",
        "\"并列\"",
        "\"同分\"",
        "（并列）",
        "（同分）",
    ];
    let mut found = Vec::new();
    for (rel, text) in src_files() {
        // `ranking/tests.rs` is the engine's table tests (a test module in a file of its own).
        if rel.starts_with("present/") || rel.ends_with("/tests.rs") {
            continue;
        }
        let code = code_of(&text, true);
        for w in words {
            if code.contains(w) {
                found.push(format!("{rel}: {w}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "rank and tier wording outside present:\n{}",
        found.join("\n")
    );
}

/// A file over this many lines says why at its top (`//! Long: …` in the first lines).
const MAX_LINES: usize = 600;

#[test]
fn long_files_say_why() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("tests"), &mut files);
    let mut found = Vec::new();
    for p in files {
        let text = std::fs::read_to_string(&p).unwrap();
        let n = text.lines().count();
        let reason = text.lines().take(12).any(|l| l.contains("Long:"));
        if n > MAX_LINES && !reason {
            found.push(format!("{} ({n} lines)", p.display()));
        }
    }
    assert!(
        found.is_empty(),
        "files over {MAX_LINES} lines without a reason at the top (split them, or say why):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_look_for() {
    // The stripping keeps code, drops comments and (optionally) string contents.
    let code = "let a = \"红榜\"; // \"黑榜\"\nlet c = '\"'; crate::store::x(); super::web::y();";
    assert!(code_of(code, true).contains("\"红榜\""));
    assert!(!code_of(code, true).contains("黑榜"));
    assert!(!code_of(code, false).contains("红榜"));
    let me = vec!["ops".to_string(), "import".to_string()];
    let t = targets(&me, &code_of(code, false));
    assert!(
        t.contains(&vec!["store".to_string(), "x".to_string()]),
        "{t:?}"
    );
    assert!(
        t.contains(&vec!["ops".to_string(), "web".to_string()]),
        "{t:?}"
    );
}
