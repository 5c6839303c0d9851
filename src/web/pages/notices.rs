//! What a board says about itself besides its table: the 通报's head and signature on paper,
//! and the record of corrections since 揭榜.

use crate::boards::GroupBoard;
use crate::domain::Stamp;
use crate::store::Structure;

/// The printed board as an official document (通报): the issuing body, the title, the dates
/// of 揭榜 and of any 更正, and the signature under the table.
pub(crate) struct Circular {
    pub issuer: Option<String>,
    pub title: String,
    pub dates: String,
    pub signed: String,
}

impl Circular {
    /// 「关于2023年西山区“当好排头兵”高质量发展大竞赛第三季度街道组考评结果的通报」: the
    /// competition's name, then the board's period (its year left out where the name has it).
    pub(crate) fn new(s: &Structure, b: &GroupBoard, published: Option<Stamp>) -> Circular {
        let name = &s.competition.name;
        let year = format!("{}年", b.period.key.year);
        let when = if name.starts_with(&year) {
            b.title.strip_prefix(&year).unwrap_or(&b.title)
        } else {
            &b.title
        };
        let zone = &s.competition.zone;
        let posted = published.map(|p| zone.format(p.unix(), "%Y年%-m月%-d日"));
        let corrected = b
            .corrected
            .as_ref()
            .and_then(|c| c.history.last())
            .and_then(|v| crate::present::date_words(&v.created_at));
        let dates = match (&posted, corrected) {
            (Some(p), Some(c)) => format!("{p}揭榜，{c}更正"),
            (Some(p), None) => format!("{p}揭榜"),
            (None, _) => String::new(),
        };
        Circular {
            issuer: s.competition.issuer.clone(),
            title: format!("关于{name}{when}{}考评结果的通报", b.group.name),
            dates,
            signed: posted.unwrap_or_default(),
        }
    }
}

/// The notice on a published board that was corrected after 揭榜: one line, opening to the
/// history and to what differs from the board as announced.
pub struct CorrectionNotice {
    /// 「本榜于2023-12-02 10:00更正：…」, the latest correction.
    pub summary: String,
    /// One line per version, oldest first, with a link to it if it was superseded.
    pub lines: Vec<(String, Option<String>)>,
    /// Units whose rank, total or movement differs from the board posted at 揭榜.
    pub changes: Vec<String>,
}

impl CorrectionNotice {
    /// `link(n)` is the address of version `n` (1: as posted at 揭榜).
    pub fn new(c: &crate::boards::Correction, link: impl Fn(usize) -> String) -> CorrectionNotice {
        let mut lines = vec![format!("{} 揭榜", c.first_published)];
        // Batch numbers and file names are the staff's (the 工作台 lists them); the public
        // reads when, why and by whom.
        lines.extend(c.history.iter().map(|m| {
            format!(
                "{} {}",
                m.created_at,
                crate::present::public_reason(&m.reason)
            )
        }));
        let summary = c.history.last().map_or_else(String::new, |m| {
            format!(
                "本榜于{}更正：{}",
                m.created_at,
                crate::present::public_reason(&m.reason)
            )
        });
        // Every version but the last (the board shown) can be opened as it was posted.
        let last = lines.len();
        let lines = lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| (l, (i + 1 < last).then(|| link(i + 1))))
            .collect();
        let changes = c
            .changes
            .iter()
            .map(crate::present::describe_correction)
            .collect();
        CorrectionNotice {
            summary,
            lines,
            changes,
        }
    }
}
