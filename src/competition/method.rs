//! An indicator's scoring method as the competition file writes it (`method = "completion"`
//! and an `[indicators.params]` table, with `[[indicators.group_params]]` where a group's
//! numbers differ), turned into the scoring core's `Rule`, every number exactly as written.
//! The parameters are also what the database keeps (as JSON), read back the same way.

use crate::domain::{Direction, Points};
use crate::scoring::{Band, Ladder, Method, Ratio, Reference, Rule};
use serde::{Deserialize, Serialize};

/// The methods a competition file may name, with what each is in the circular's words.
pub const METHODS: &[(&str, &str)] = &[
    ("direct", "直接填报得分"),
    ("completion", "按完成率计分"),
    ("threshold", "完成得满分，未完成按规定计分"),
    ("efficacy", "按功效系数法计分"),
    ("ladder", "按位次赋分"),
    ("average", "与组内平均值比较计分"),
    ("deduction", "扣分制"),
    ("items", "按加分事项计分"),
];

/// A method's numbers; which ones a method needs is checked by `rule`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MethodParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bonus_per_point: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bonus_cap: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deduct_per_point: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<f64>,
    /// 功效系数法: `group` (the group's best and worst) or `fixed` (with the two values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfied: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unacceptable: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clamp: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
    /// Points of places 1, 2, 3, … (instead of `first` and `step`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub places: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_points: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bottom: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bottom_points: Option<f64>,
    /// 与平均值比较: credit per point above and below, in bands (`[[width, per_point], …]`,
    /// the last band's width 0 meaning "the rest").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above: Option<Vec<[f64; 2]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<Vec<[f64; 2]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    /// 扣分制: points deducted per event, and what an event is (一般事故, 有效投诉).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_event: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// 扣分制 by a list of events: points per event of each kind (一般事故 = 2, 较大事故 = 5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinds: Option<std::collections::BTreeMap<String, f64>>,
    /// 加分 items: points by level (国家级 = 3, 省级 = 2, 市级 = 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<std::collections::BTreeMap<String, f64>>,
    /// 加分 items: at most so many points per category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caps: Option<std::collections::BTreeMap<String, f64>>,
    /// 加分 items: at most so many in all (default: the indicator's max).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_cap: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
}

/// A group's own numbers for an indicator's method.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupParams {
    pub group: String,
    #[serde(flatten)]
    pub params: MethodParams,
}

/// A number from the file, exactly as written (a TOML float prints back as its shortest
/// spelling): at most 6 decimals.
fn exact(what: &str, v: f64) -> Result<Ratio, String> {
    let written = v.to_string();
    match Ratio::parse(&written) {
        Some(r) if written.split_once('.').is_none_or(|(_, f)| f.len() <= 6) => Ok(r),
        _ => Err(format!("{what} 应为最多6位小数的数，而不是「{written}」")),
    }
}

fn need(what: &str, v: Option<f64>) -> Result<Ratio, String> {
    exact(what, v.ok_or_else(|| format!("缺少参数 {what}"))?)
}

fn non_negative(what: &str, v: Option<f64>) -> Result<Ratio, String> {
    let r = need(what, v)?;
    if r.is_negative() {
        return Err(format!("{what} 不应为负数"));
    }
    Ok(r)
}

/// Named numbers (`{ 国家级 = 3 }`), each ≥ 0, names not blank.
fn named(
    what: &str,
    map: &std::collections::BTreeMap<String, f64>,
) -> Result<Vec<(String, Ratio)>, String> {
    if map.is_empty() {
        return Err(format!("{what} 不能为空"));
    }
    map.iter()
        .map(|(k, v)| {
            let k = k.trim();
            if k.is_empty() {
                return Err(format!("{what} 的名称不能为空"));
            }
            Ok((k.to_string(), non_negative(what, Some(*v))?))
        })
        .collect()
}

/// Whether the method scores from a 明细清单 (加分 items, 扣分制 by kinds) rather than one
/// value per cell.
#[must_use]
pub fn uses_list(method: &str, p: &MethodParams) -> bool {
    method == "items" || (method == "deduction" && p.kinds.is_some())
}

/// The scoring rule of an indicator (`max` its full points) in a group, or why the file's
/// numbers do not make one.
pub fn rule(
    method: &str,
    p: &MethodParams,
    max: Points,
    direction: Direction,
    decimals: u8,
) -> Result<Rule, String> {
    let max_r = Ratio::from_points(max);
    let method = match method {
        "direct" => Method::Direct,
        "completion" => {
            if direction == Direction::Lower {
                return Err(
                    "按完成率计分只适用于越高越好的指标；越低越好的指标请用功效系数法".into(),
                );
            }
            Method::Completion {
                base: p.base.map_or(Ok(max_r), |b| exact("base", b))?,
                bonus_per_point: non_negative("bonus_per_point", p.bonus_per_point.or(Some(0.0)))?,
                bonus_cap: non_negative("bonus_cap", p.bonus_cap.or(Some(0.0)))?,
                deduct_per_point: non_negative(
                    "deduct_per_point",
                    p.deduct_per_point.or(Some(0.0)),
                )?,
            }
        }
        "threshold" => Method::Threshold {
            full: p.base.map_or(Ok(max_r), |b| exact("base", b))?,
            partial: non_negative("partial", p.partial.or(Some(0.0)))?,
        },
        "efficacy" => Method::Efficacy {
            max: max_r,
            reference: match p.reference.as_deref().unwrap_or("group") {
                "group" => Reference::GroupBestWorst,
                "fixed" => {
                    let satisfied = need("satisfied", p.satisfied)?;
                    let unacceptable = need("unacceptable", p.unacceptable)?;
                    let ok = match direction {
                        Direction::Higher => satisfied > unacceptable,
                        Direction::Lower => satisfied < unacceptable,
                    };
                    if !ok {
                        return Err(
                            "满意值 satisfied 应比不允许值 unacceptable 更好（越高越好时更大，越低越好时更小）"
                                .into(),
                        );
                    }
                    Reference::Fixed {
                        satisfied,
                        unacceptable,
                    }
                }
                other => {
                    return Err(format!(
                        "reference 应为 group（组内最优、最差值）或 fixed（固定的满意值、不允许值），而不是「{other}」"
                    ));
                }
            },
            clamp: p.clamp.unwrap_or(true),
        },
        "ladder" => Method::Ladder {
            ladder: match (&p.places, p.first) {
                (Some(list), None) => Ladder::List(
                    list.iter()
                        .map(|&v| non_negative("places", Some(v)))
                        .collect::<Result<_, _>>()?,
                ),
                (None, first) => Ladder::Step {
                    first: first.map_or(Ok(max_r), |f| exact("first", f))?,
                    step: non_negative("step", p.step)?,
                },
                (Some(_), Some(_)) => {
                    return Err("按位次赋分请只写 places（各名次得分）或 first 与 step 之一".into());
                }
            },
            top: match (p.top, p.top_points) {
                (Some(n), v) if n > 0 => Some((n, non_negative("top_points", v)?)),
                _ => None,
            },
            bottom: match (p.bottom, p.bottom_points) {
                (Some(n), v) if n > 0 => Some((n, non_negative("bottom_points", v)?)),
                _ => None,
            },
        },
        "average" => {
            let bands = |what: &str, list: &Option<Vec<[f64; 2]>>| -> Result<Vec<Band>, String> {
                let list = list.as_ref().ok_or_else(|| format!("缺少参数 {what}"))?;
                list.iter()
                    .map(|[w, per]| {
                        let width = non_negative(what, Some(*w))?;
                        Ok(Band {
                            width: (!width.is_zero()).then_some(width),
                            per_point: non_negative(what, Some(*per))?,
                        })
                    })
                    .collect()
            };
            let floor = p.floor.map_or(Ok(Ratio::ZERO), |f| exact("floor", f))?;
            let cap = p.cap.map_or(Ok(max_r), |c| exact("cap", c))?;
            if floor > cap {
                return Err("floor 不应大于 cap".into());
            }
            Method::Average {
                base: need("base", p.base)?,
                above: bands("above", &p.above)?,
                below: bands("below", &p.below)?,
                relative: p.relative.unwrap_or(false),
                floor,
                cap,
            }
        }
        // One kind of event per cell (the cell is its count), or kinds from a 明细清单.
        "deduction" => Method::Deduction {
            base: p.base.map_or(Ok(max_r), |b| exact("base", b))?,
            per_kind: match (&p.kinds, p.per_event) {
                (Some(_), Some(_)) => {
                    return Err(
                        "扣分制请只写 per_event（每格填起数）或 kinds（按明细清单分类扣分）之一"
                            .into(),
                    );
                }
                (Some(kinds), None) => named("kinds", kinds)?,
                (None, per_event) => vec![(
                    p.event
                        .as_deref()
                        .map(str::trim)
                        .filter(|e| !e.is_empty())
                        .unwrap_or("事件")
                        .to_string(),
                    non_negative("per_event", per_event)?,
                )],
            },
        },
        "items" => Method::Items {
            levels: named(
                "levels",
                p.levels.as_ref().ok_or("缺少参数 levels（各级别的分值）")?,
            )?,
            category_caps: p
                .caps
                .as_ref()
                .map_or(Ok(Vec::new()), |c| named("caps", c))?,
            total_cap: Some(p.total_cap.map_or(Ok(max_r), |t| exact("total_cap", t))?),
        },
        other => {
            return Err(format!(
                "method 应为 {}，而不是「{other}」",
                METHODS
                    .iter()
                    .map(|(c, w)| format!("{c}（{w}）"))
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
    };
    Ok(Rule {
        method,
        direction,
        decimals,
    })
}
