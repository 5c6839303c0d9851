//! The staff area's pages: the overview of periods (with 揭榜 for administrators), the audit
//! log and the accounts.

use super::Staff;
use super::guard::{NoFields, StaffForm};
use crate::auth::Role;
use crate::domain::PeriodKey;
use crate::store::{self, AuditAction, AuditFilter, PeriodStatus};
use crate::web::{AppError, AppState};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// Who is logged in, for every page's header.
#[derive(Clone)]
pub struct Me {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    pub admin: bool,
    pub staff: bool,
}

impl Me {
    pub fn of(s: &Staff) -> Me {
        Me {
            name: s.session.account.name.clone(),
            role: s.role().label(),
            csrf: s.session.csrf.clone(),
            admin: s.role() >= Role::Admin,
            staff: s.role() >= Role::Staff,
        }
    }
}

/// Renders a staff page: never cached, never stored by the browser.
pub fn page(t: &impl Template) -> Result<HttpResponse, AppError> {
    let body = t
        .render()
        .map_err(|e| AppError::Internal(format!("模板渲染失败：{e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

pub(super) async fn blocking<T: Send + 'static>(
    state: &web::Data<AppState>,
    f: impl FnOnce(&mut rusqlite::Connection) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let st = state.clone();
    web::block(move || {
        let mut conn = st.store.conn()?;
        f(&mut conn)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Runs an operation; its failure is mapped once (`AppError::from_ops`), with `what` leading
/// the reason the user reads (「未能揭榜：…」).
pub(super) async fn refusable<T: Send + 'static>(
    state: &web::Data<AppState>,
    what: &'static str,
    f: impl FnOnce(&mut rusqlite::Connection) -> crate::ops::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    blocking(state, move |conn| {
        f(conn).map_err(|e| AppError::from_ops(e, Some(what)))
    })
    .await
}

/// 303 to a page of the staff area (after a POST).
pub(super) fn back(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .finish()
}

pub struct PeriodLine {
    pub key: String,
    pub label: String,
    pub published: bool,
    pub published_at: String,
    /// A pending scheduled 揭榜, as local time.
    pub scheduled: Option<String>,
    /// The groups of its year's scheme: (id, name).
    pub groups: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct Home {
    title: String,
    me: Me,
    competition: String,
    periods: Vec<PeriodLine>,
    message: Option<String>,
    /// The zone 定时揭榜 is entered in (北京时间).
    zone: String,
    /// The period after the latest one, offered to open as a draft: (key, label).
    next: Option<(String, String)>,
    /// The lobby screens to open (staff): what each shows and its address.
    screens: Vec<Screen>,
}

/// A lobby screen listed on the 工作台: its name, what it shows, its address.
struct Screen {
    name: String,
    shows: String,
    url: String,
}

/// The default lobby, the reveal, and every playlist (a screen's token only to 管理员).
fn screens(playlists: &[store::PlaylistRow], admin: bool) -> Vec<Screen> {
    let mut out = vec![
        Screen {
            name: "默认大屏".into(),
            shows: "最新一期全部榜单、红榜·黑榜、名次变化、总分图和实干先锋，轮播".into(),
            url: "/lobby".into(),
        },
        Screen {
            name: "揭榜现场".into(),
            shows: "逐组揭晓，按 → 键从末位到第一名；按住 H 显示操作提示".into(),
            url: "/lobby/reveal".into(),
        },
    ];
    out.extend(playlists.iter().map(|p| {
        let url = match (&p.token, admin) {
            (Some(t), true) => format!("/lobby/{}?token={t}", p.name),
            _ => format!("/lobby/{}", p.name),
        };
        Screen {
            name: p.title.clone().unwrap_or_else(|| p.name.clone()),
            shows: format!(
                "{}，每张{}秒{}",
                p.slides,
                p.seconds,
                if p.token.is_some() && !admin {
                    "（需令牌，请向管理员索取）"
                } else {
                    ""
                }
            ),
            url,
        }
    }));
    out
}

#[derive(Deserialize)]
pub(super) struct MessageQuery {
    msg: Option<String>,
    /// After a confirm: the batch it became, to say what was imported and what comes next.
    batch: Option<i64>,
}

/// 「已导入…」 after a confirm: the file, the periods, the batch, and the next step.
fn imported_message(b: &store::BatchRow, me: &Me) -> String {
    let periods: Vec<String> = b
        .periods
        .split('、')
        .filter_map(PeriodKey::parse)
        .map(|k| k.label())
        .collect();
    let next = if me.admin {
        "下一步：在「报送进度」中核对各组是否报齐，报齐后点「揭榜…」；如有误，可在「导入批次」中预览并撤销。"
    } else if me.staff {
        "下一步：在「报送进度」中核对各组是否报齐，报齐后请管理员揭榜；如有误，请管理员在「导入批次」中撤销。"
    } else {
        "下一步：可在「报送进度」中查看本单位指标的报送情况；如发现有误，改正文件后重新上传即可。"
    };
    format!(
        "已导入「{}」到{}（导入批次 #{}，{}个分值）。{next}",
        b.file_name,
        periods.join("、"),
        b.id,
        b.value_count
    )
}

/// Messages a redirect may show (by code, so a link cannot put words on the page).
fn message(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "published" => "已揭榜：公开页面和大厅屏幕已切换到新的榜单。",
            "confirmed" => "已确认导入。",
            "honors" => "已导入实干先锋名单。",
            "user-added" => "已创建账号。",
            "user-disabled" => "已停用账号。",
            "role-changed" => "已修改角色；该账号需要重新登录。",
            "unlocked" => "已解除该账号的登录锁定，可以立即重新登录。",
            "scheduled" => "已设定定时揭榜：到时服务器会自动揭榜，无需有人登录。",
            "cancelled" => "已取消定时揭榜。",
            "removed" => "已删除该空期间。",
            "opened" => "已新建草稿期间：各报送单位现在可以上传该期间的数据。",
            _ => return None,
        }
        .to_string(),
    )
}

pub(super) async fn home(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<MessageQuery>,
) -> Result<HttpResponse, AppError> {
    let batch = q.batch.filter(|_| q.msg.as_deref() == Some("confirmed"));
    let (s, pending, batch, year_groups, playlists) = blocking(&state, move |conn| {
        let s = store::load_structure(conn)?;
        // Each scheme's groups, by the first year it is in force.
        let mut year_groups: Vec<(i32, Vec<(i64, String)>)> = Vec::new();
        for sc in s.as_ref().map_or(&[][..], |s| &s.schemes[..]) {
            let groups = store::load_scheme(conn, Some(sc.year))?
                .map(|x| x.groups.iter().map(|g| (g.id.0, g.name.clone())).collect())
                .unwrap_or_default();
            year_groups.push((sc.year, groups));
        }
        Ok((
            s,
            store::pending_schedules(conn)?,
            batch.map(|b| store::batch(conn, b)).transpose()?.flatten(),
            year_groups,
            store::playlists(conn)?,
        ))
    })
    .await?;
    let me = Me::of(&staff);
    // Only the one who imported it, or staff, read a batch's file name here.
    let imported = batch
        .filter(|b| me.staff || b.actor == me.name)
        .map(|b| imported_message(&b, &me));
    let zone = zone_label(
        &s.as_ref()
            .map(|s| s.competition.zone.clone())
            .unwrap_or_default(),
    );
    let next = s.as_ref().map(|s| {
        let k = s.periods.iter().map(|p| p.key).max().map_or(
            PeriodKey {
                year: s.competition.year,
                quarter: 1,
            },
            PeriodKey::next,
        );
        (k.to_string(), k.label())
    });
    let (competition, periods) = match s {
        Some(s) => (
            s.competition.name.clone(),
            s.periods
                .iter()
                .rev()
                .map(|p| PeriodLine {
                    key: p.key.to_string(),
                    label: p.key.label(),
                    published: p.status == PeriodStatus::Published,
                    published_at: p
                        .published_at
                        .map(|t| s.competition.zone.show(t))
                        .unwrap_or_default(),
                    scheduled: pending.iter().find(|x| x.key == p.key).map(|x| {
                        format!(
                            "{}（{}）",
                            s.competition.zone.minute(x.at),
                            zone_label(&s.competition.zone)
                        )
                    }),
                    groups: year_groups
                        .iter()
                        .find(|(y, _)| *y == s.scheme_year(p.key.year))
                        .map(|(_, g)| g.clone())
                        .unwrap_or_default(),
                })
                .collect(),
        ),
        None => ("尚未配置竞赛".into(), Vec::new()),
    };
    let screens = if me.staff {
        screens(&playlists, me.admin)
    } else {
        Vec::new()
    };
    page(&Home {
        title: "工作台".into(),
        me,
        competition,
        periods,
        message: imported.or_else(|| message(q.msg.as_deref())),
        zone,
        next,
        screens,
    })
}

/// How the zone is named beside a time: 北京时间 for China's offset, else its name.
fn zone_label(z: &crate::domain::Zone) -> String {
    if z.minute(0) == "1970-01-01 08:00" {
        "北京时间".into()
    } else {
        z.to_string()
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    title: String,
    me: Me,
    rows: Vec<store::AuditRow>,
    zone: crate::domain::Zone,
    actions: Vec<(&'static str, &'static str)>,
    actor: String,
    action: String,
    period: String,
    older: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    period: Option<String>,
    before: Option<i64>,
}

const AUDIT_PAGE: usize = 100;

pub(super) async fn audit(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    fn nonempty(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let filter = AuditFilter {
        actor: nonempty(&q.actor).map(str::to_string),
        action: nonempty(&q.action).and_then(|a| a.parse::<AuditAction>().ok()),
        period: nonempty(&q.period).and_then(PeriodKey::parse),
        before: q.before,
    };
    let f = filter.clone();
    let (rows, zone) = blocking(&state, move |conn| {
        Ok((
            store::audit_entries(conn, &f, AUDIT_PAGE)?,
            store::office_zone(conn)?,
        ))
    })
    .await?;
    let older = (rows.len() == AUDIT_PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten()
        .map(|before| {
            serde_urlencoded::to_string([
                ("actor", filter.actor.clone().unwrap_or_default()),
                (
                    "action",
                    filter
                        .action
                        .map(|a| a.as_str().to_string())
                        .unwrap_or_default(),
                ),
                (
                    "period",
                    filter.period.map(|p| p.to_string()).unwrap_or_default(),
                ),
                ("before", before.to_string()),
            ])
            .unwrap_or_default()
        });
    page(&AuditPage {
        title: "操作日志".into(),
        me: Me::of(&staff),
        rows,
        zone,
        actions: AuditAction::ALL
            .iter()
            .map(|a| (a.as_str(), a.label()))
            .collect(),
        actor: filter.actor.unwrap_or_default(),
        action: filter
            .action
            .map(|a| a.as_str().to_string())
            .unwrap_or_default(),
        period: filter.period.map(|p| p.to_string()).unwrap_or_default(),
        older,
    })
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    title: String,
    me: Me,
    accounts: Vec<store::Account>,
    /// Times are shown in the office's zone.
    zone: crate::domain::Zone,
    /// Accounts with a running login lock.
    locked: Vec<String>,
    message: Option<String>,
}

pub(super) async fn users(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<MessageQuery>,
) -> Result<HttpResponse, AppError> {
    let (accounts, zone) = blocking(&state, |conn| {
        Ok((store::accounts(conn)?, store::office_zone(conn)?))
    })
    .await?;
    let now = state.admin.clock.now();
    let locked = state
        .logins
        .lock()
        .map(|l| l.locked_accounts(now))
        .unwrap_or_default();
    page(&UsersPage {
        title: "账号管理".into(),
        me: Me::of(&staff),
        accounts,
        zone,
        locked,
        message: message(q.msg.as_deref()),
    })
}

#[derive(Deserialize)]
pub(super) struct AddUserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    provider: Option<String>,
    #[serde(default)]
    password: String,
}

pub(super) async fn add_user(
    state: web::Data<AppState>,
    StaffForm { staff, form }: StaffForm<AddUserForm>,
) -> Result<HttpResponse, AppError> {
    let role: Role = form
        .role
        .parse()
        .map_err(|e: crate::domain::UnknownCode| AppError::BadRequest(e.to_string()))?;
    refusable(&state, "未能创建账号", move |conn| {
        crate::ops::add_user(
            conn,
            &form.name,
            role,
            form.provider.as_deref(),
            &form.password,
            staff.actor(),
        )
    })
    .await?;
    Ok(back("/admin/users?msg=user-added"))
}

/// Lifts an account's login locks (管理员): at once in this server, and for the record.
pub(super) async fn unlock_user(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    let now = state.admin.clock.now();
    let n = name.clone();
    refusable(&state, "未能解除锁定", move |conn| {
        crate::ops::unlock_account(conn, &n, now, staff.actor())
    })
    .await?;
    if let Ok(mut l) = state.logins.lock() {
        l.unlock_account(&name);
    }
    Ok(back("/admin/users?msg=unlocked"))
}

pub(super) async fn disable_user(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    refusable(&state, "未能停用账号", move |conn| {
        crate::ops::set_disabled(conn, &name, true, staff.actor())
    })
    .await?;
    Ok(back("/admin/users?msg=user-disabled"))
}

#[derive(Deserialize)]
pub(super) struct RoleForm {
    #[serde(default)]
    role: String,
    provider: Option<String>,
}

pub(super) async fn change_role(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, form }: StaffForm<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let role: Role = form
        .role
        .parse()
        .map_err(|e: crate::domain::UnknownCode| AppError::BadRequest(e.to_string()))?;
    let name = path.into_inner();
    refusable(&state, "未能修改角色", move |conn| {
        crate::ops::set_role(conn, &name, role, form.provider.as_deref(), staff.actor())
    })
    .await?;
    Ok(back("/admin/users?msg=role-changed"))
}
