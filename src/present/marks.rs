//! The marks beside a unit's rank: its 等次 (and the quota that decided it), a 一票否决 and
//! the streaks it is on, in the words and CSS classes every board, the lobby and the unit
//! profile share.

use crate::ranking::streaks::{RedFlag, Streak, StreakKind};
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
    /// 「连续3期红榜」 and its CSS class, for each streak.
    pub streaks: Vec<(String, &'static str)>,
    /// 「流动红旗」 on its holder; empty otherwise.
    pub flag: String,
    /// 「连续3期保持」 or 「由马街街道转来」.
    pub flag_note: String,
}

impl Marks {
    #[must_use]
    pub fn new(r: &BoardRow) -> Marks {
        Marks {
            grade: r.grade.as_ref().map(|g| g.name.clone()).unwrap_or_default(),
            grade_css: r.grade.as_ref().map_or("", grade_css),
            grade_note: r.grade.as_ref().map(grade_note).unwrap_or_default(),
            veto: r.veto.clone().unwrap_or_default(),
            streaks: r.streaks.iter().map(streak_words).collect(),
            flag: if r.red_flag.is_some() {
                "流动红旗".into()
            } else {
                String::new()
            },
            flag_note: r.red_flag.as_ref().map(flag_note).unwrap_or_default(),
        }
    }

    /// A line for the notes under a table: the quota's decision and the veto, or empty.
    #[must_use]
    pub fn note(&self) -> String {
        let mut parts = Vec::new();
        if !self.veto.is_empty() {
            parts.push(self.veto.clone());
        }
        if !self.grade_note.is_empty() {
            parts.push(self.grade_note.clone());
        }
        parts.join("；")
    }
}

/// A unit's standing in one cell, for a before/after table: 「红榜、优秀」, 「黑榜、不合格、一票否决」.
#[must_use]
pub fn standing(r: &BoardRow) -> String {
    use crate::present::TierText;
    let mut parts: Vec<&str> = Vec::new();
    if !r.tier.label().is_empty() {
        parts.push(r.tier.label());
    }
    if let Some(g) = &r.grade {
        parts.push(&g.name);
    }
    if r.veto.is_some() {
        parts.push("一票否决");
    }
    parts.join("、")
}

/// The vetoes of a board for a footer line: 「 · 一票否决：区交通运输局（原因）」, or empty.
#[must_use]
pub fn vetoes_short(b: &crate::ranking::Board) -> String {
    b.rows
        .iter()
        .filter_map(|r| Some(format!(" · 一票否决：{}（{}）", r.name, r.veto.as_deref()?)))
        .collect()
}

/// 「连续3期红榜」 and its CSS class.
#[must_use]
pub fn streak_words(s: &Streak) -> (String, &'static str) {
    let (what, css) = match s.kind {
        StreakKind::Red => ("红榜", "red"),
        StreakKind::Black => ("黑榜", "black"),
        StreakKind::Last => ("末位", "black"),
        StreakKind::Up => ("进位", "up"),
    };
    (format!("连续{}期{what}", s.periods), css)
}

/// 「连续3期保持」, 「由马街街道转来」 or 「首次获得」.
#[must_use]
pub fn flag_note(f: &RedFlag) -> String {
    if f.held > 1 {
        format!("连续{}期保持", f.held)
    } else if f.from.is_empty() {
        "首次获得".into()
    } else {
        format!("由{}转来", f.from.join("、"))
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
