//! The marks beside a unit's rank: its 等次 (and the quota that decided it), a 一票否决 and
//! the streaks it is on, in the words and CSS classes every board, the lobby and the unit
//! profile share.

use crate::ranking::{BoardRow, Grade, QuotaKind};

/// What the marks macro renders beside the 红榜/黑榜 badge.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// 优秀, 良好…; empty without bands.
    pub grade: String,
    pub grade_css: &'static str,
    /// How a quota decided the 等次; empty when none did.
    pub grade_note: String,
    /// The veto's reason; empty without one.
    pub veto: String,
}

impl Marks {
    #[must_use]
    pub fn new(r: &BoardRow) -> Marks {
        Marks {
            grade: r.grade.as_ref().map(|g| g.name.clone()).unwrap_or_default(),
            grade_css: r.grade.as_ref().map_or("", grade_css),
            grade_note: r.grade.as_ref().map(grade_note).unwrap_or_default(),
            veto: r.veto.clone().unwrap_or_default(),
        }
    }

    /// A line for the notes under a table: the quota's decision and the veto, or empty.
    #[must_use]
    pub fn note(&self) -> String {
        let mut parts = Vec::new();
        if !self.veto.is_empty() {
            parts.push(format!("一票否决（{}）", self.veto));
        }
        if !self.grade_note.is_empty() {
            parts.push(self.grade_note.clone());
        }
        parts.join("；")
    }
}

fn grade_css(g: &Grade) -> &'static str {
    if g.level == 0 {
        "top"
    } else if g.lowest {
        "low"
    } else {
        "mid"
    }
}

/// 「总分达到优秀标准，但优秀名额（2个）已满，评为良好」.
#[must_use]
pub fn grade_note(g: &Grade) -> String {
    let Some(q) = &g.quota else {
        return String::new();
    };
    match q.kind {
        QuotaKind::Beyond => format!(
            "总分达到{0}标准，但{0}名额（{1}个）已由名次在前的单位占满，评为{2}",
            q.grade, q.quota, g.name
        ),
        QuotaKind::TieIn => format!(
            "与其他单位并列于{0}名额边界（名额{1}个），按“并列同时评定”规则均评为{0}",
            q.grade, q.quota
        ),
        QuotaKind::TieOut => format!(
            "与其他单位并列于{0}名额边界（名额{1}个），按“并列均不评定”规则均不评为{0}，评为{2}",
            q.grade, q.quota, g.name
        ),
    }
}
