//! Caches keyed by the database's data version: rendered responses and computed boards.
//! Every import or publish bumps the version, which empties the caches on the next request,
//! so a page is never served stale and repeated views cost a hash look-up.

use crate::boards::{self, GroupBoard, View};
use crate::domain::GroupId;
use crate::domain::PeriodKey;
use crate::store::{self, Store, Structure};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A rendered response body.
pub struct Rendered {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Bytes,
    /// For downloads: the file name to offer (Chinese), and its ASCII fallback for clients
    /// that do not read RFC 6266's `filename*`.
    pub filename: Option<(String, String)>,
}

/// Bodies smaller than this are sent as they are.
const GZIP_MIN: usize = 1024;

/// A cached response: the body, and its gzip form made once, on first demand.
pub struct Page {
    pub rendered: Rendered,
    gzip: OnceLock<Option<Bytes>>,
}

impl Page {
    pub fn new(rendered: Rendered) -> Page {
        Page {
            rendered,
            gzip: OnceLock::new(),
        }
    }

    /// The gzip-compressed body, when it is worth sending (text, large enough, smaller).
    pub fn gzip(&self) -> Option<&Bytes> {
        self.gzip
            .get_or_init(|| {
                let r = &self.rendered;
                let text = r.content_type.starts_with("text/")
                    || r.content_type.starts_with("image/svg")
                    || r.content_type.starts_with("application/json");
                if !text || r.body.len() < GZIP_MIN {
                    return None;
                }
                let mut enc =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                std::io::Write::write_all(&mut enc, &r.body).ok()?;
                let out = enc.finish().ok()?;
                (out.len() < r.body.len()).then(|| Bytes::from(out))
            })
            .as_ref()
    }
}

/// Most responses kept per data version; past this the page cache starts over.
const MAX_PAGES: usize = 512;

#[derive(Default)]
struct Inner {
    version: i64,
    pages: HashMap<String, Arc<Page>>,
    structure: Option<Arc<Option<Structure>>>,
    /// Earlier years' schemes, by the year each is in force from.
    schemes: HashMap<i32, Arc<Option<Structure>>>,
    boards: HashMap<(PeriodKey, GroupId, View), Arc<GroupBoard>>,
    histories: HashMap<GroupId, Arc<Vec<GroupBoard>>>,
}

#[derive(Default)]
pub struct Cache {
    inner: Mutex<Inner>,
}

impl Cache {
    fn with<T>(&self, version: i64, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if g.version != version {
            *g = Inner {
                version,
                ..Inner::default()
            };
        }
        f(&mut g)
    }

    pub fn page(&self, version: i64, key: &str) -> Option<Arc<Page>> {
        self.with(version, |g| g.pages.get(key).cloned())
    }

    pub fn put_page(&self, version: i64, key: String, page: Arc<Page>) {
        self.with(version, |g| {
            if g.pages.len() >= MAX_PAGES {
                g.pages.clear();
            }
            g.pages.insert(key, page);
        });
    }
}

/// What a page renderer gets: a connection and memoised structure and boards for one version.
pub struct Ctx<'a> {
    pub conn: &'a rusqlite::Connection,
    pub cache: &'a Cache,
    pub version: i64,
}

impl Ctx<'_> {
    pub fn structure(&self) -> store::Result<Arc<Option<Structure>>> {
        if let Some(s) = self.cache.with(self.version, |g| g.structure.clone()) {
            return Ok(s);
        }
        let s = Arc::new(store::load_structure(self.conn)?);
        self.cache
            .with(self.version, |g| g.structure = Some(s.clone()));
        Ok(s)
    }

    /// The scheme in force in `year` (the latest one for a year it covers).
    pub fn structure_for(&self, year: i32) -> store::Result<Arc<Option<Structure>>> {
        let latest = self.structure()?;
        let Some(s) = latest.as_ref() else {
            return Ok(latest);
        };
        let from = s.scheme_year(year);
        if from == s.competition.year {
            return Ok(latest);
        }
        if let Some(s) = self
            .cache
            .with(self.version, |g| g.schemes.get(&from).cloned())
        {
            return Ok(s);
        }
        let s = Arc::new(store::load_scheme(self.conn, Some(from))?);
        self.cache
            .with(self.version, |g| g.schemes.insert(from, s.clone()));
        Ok(s)
    }

    pub fn board(
        &self,
        s: &Structure,
        key: PeriodKey,
        group: GroupId,
        view: View,
    ) -> store::Result<Option<Arc<GroupBoard>>> {
        if let Some(b) = self
            .cache
            .with(self.version, |g| g.boards.get(&(key, group, view)).cloned())
        {
            return Ok(Some(b));
        }
        let Some(mut b) = boards::group_board(self.conn, s, key, group, view)? else {
            return Ok(None);
        };
        b.year_on_year = self.year_on_year(s, &b)?;
        let b = Arc::new(b);
        self.cache.with(self.version, |g| {
            g.boards.insert((key, group, view), b.clone())
        });
        Ok(Some(b))
    }

    /// 同比 of a published board: the same period a year before, as posted.
    fn year_on_year(
        &self,
        s: &Structure,
        b: &GroupBoard,
    ) -> store::Result<Option<boards::YearOnYear>> {
        let last = PeriodKey {
            year: b.period.key.year - 1,
            quarter: b.period.key.quarter,
        };
        let published = |k: PeriodKey| {
            s.period(k)
                .is_some_and(|p| p.status == store::PeriodStatus::Published)
        };
        if !published(last) || !published(b.period.key) {
            return Ok(None);
        }
        let last_s = self.structure_for(last.year)?;
        let Some(last_s) = last_s.as_ref() else {
            return Ok(None);
        };
        let view = b.view;
        boards::year_on_year(self.conn, s, b, last_s, &mut |g| {
            self.board(last_s, last, g, view)
        })
    }

    pub fn history(&self, s: &Structure, group: GroupId) -> store::Result<Arc<Vec<GroupBoard>>> {
        if let Some(h) = self
            .cache
            .with(self.version, |g| g.histories.get(&group).cloned())
        {
            return Ok(h);
        }
        let h = Arc::new(boards::group_history(self.conn, s, group)?);
        self.cache
            .with(self.version, |g| g.histories.insert(group, h.clone()));
        Ok(h)
    }
}

/// The current data version and the unix time of the last change.
pub fn current_version(store: &Store) -> store::Result<(i64, i64)> {
    store::data_version(&*store.conn()?)
}

/// Runs `f` on the blocking pool with a connection and the caches of the current data
/// version: for a response that is not cached itself (the lobby, search, an error page).
pub async fn uncached<T: Send + 'static>(
    state: &actix_web::web::Data<super::AppState>,
    f: impl FnOnce(&Ctx<'_>) -> Result<T, super::AppError> + Send + 'static,
) -> Result<T, super::AppError> {
    let st = state.clone();
    actix_web::web::block(move || {
        let conn = st.store.conn()?;
        let (version, _) = store::data_version(&conn)?;
        f(&Ctx {
            conn: &conn,
            cache: &st.cache,
            version,
        })
    })
    .await
    .map_err(|e| super::AppError::Internal(e.to_string()))?
}
