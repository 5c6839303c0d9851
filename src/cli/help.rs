//! The command line's help in Chinese: its users are 考评办 staff. clap's own words (Usage,
//! Options, Print help, [default: …]) are replaced, and each command and argument gets its
//! Chinese text from the tables below (the doc comments on the argument types stay the code's
//! documentation). A test walks the whole tree and fails on any help left without Chinese.

use clap::Command;
use clap::builder::{Arg, ArgAction};

/// What each command does, by its path (`veto set`).
const ABOUT: &[(&str, &str)] = &[
    (
        "",
        "晒榜：季度考评成绩榜单服务。不带命令运行即启动网页服务（serve）",
    ),
    ("serve", "启动网页服务（默认）。数据库为空时先载入示例数据"),
    ("init", "在空数据库中建立竞赛结构（组别、指标、单位）"),
    (
        "import",
        "导入得分文件（CSV 或 .xlsx）：整份文件全部导入或全部不导入",
    ),
    (
        "check",
        "检查得分文件并列出导入后的变化，不写入数据库；缺失得分的单位逐一列出",
    ),
    (
        "honors",
        "导入实干先锋名单（期间、姓名、单位、称号、事迹），替换该期间原有名单",
    ),
    (
        "targets",
        "导入指标目标值：全年目标，或用 --quarter 导入某季度目标；格式同得分文件，空白单元格不改动",
    ),
    (
        "details",
        "导入草稿期间的明细清单：加分事项（单位、指标、类别、事项、级别）或扣分事件（单位、指标、类别、起数），替换所列指标的原有清单",
    ),
    ("playlist", "新建或修改大屏播放列表，在 /lobby/名称 播放"),
    ("playlists", "列出大屏播放列表"),
    (
        "veto",
        "一票否决：设定、撤销或列出（已揭榜的期间须用 --correction 说明更正原因）",
    ),
    ("veto set", "设定某单位某期间的一票否决（已有的则替换原因）"),
    ("veto lift", "撤销生效中的一票否决"),
    (
        "veto import",
        "按名单（单位、原因；CSV 或 .xlsx）一次设定多个单位的一票否决",
    ),
    ("veto list", "列出全部一票否决记录（含已撤销的）"),
    (
        "scheme",
        "年度考核方案：安装下一年度的方案（组别、指标、单位），或列出已安装的方案",
    ),
    (
        "scheme install",
        "按方案文件和单位名单安装某年度考核方案（单位名单可加 原名称、合并自、拆分自 列）；--dry-run 只显示与上一年度相比的变化",
    ),
    ("scheme list", "列出已安装的考核方案及其适用年度"),
    (
        "appeal",
        "年度结果的公示与申诉：登记申诉、答复、列出，或在公示期满前确认结果",
    ),
    ("appeal add", "登记某单位对公示中结果的申诉"),
    (
        "appeal answer",
        "登记复核后对申诉的答复（申诉成立加 --upheld，结果随后以更正改正）",
    ),
    ("appeal list", "列出某期结果的申诉和公示情况"),
    ("appeal final", "在公示期满前确认结果为最终结果"),
    (
        "deadline",
        "设定或取消草稿期间的报送截止时间（整个期间，或用 --indicator 指定某项指标），按本单位所在时区：--at \"2023-12-10 17:00\"",
    ),
    (
        "publish",
        "揭榜（正式公布）某期间。先逐一列出缺少得分的单位；有缺失时须加 --yes 才揭榜",
    ),
    ("periods", "列出各期间及其状态"),
    (
        "verify",
        "按存储的得分重新计算每张已揭榜的榜单，与揭榜时公布的榜单比对；有不一致时退出码为 1",
    ),
    (
        "freeze",
        "为没有存档榜单的已揭榜期间按当前得分存档（适用于旧版数据库）；请先运行 verify",
    ),
    ("user", "管理后台账号（第一个管理员只能在这里创建）"),
    ("user add", "创建账号"),
    ("user passwd", "设置账号密码"),
    ("user disable", "停用账号（其登录随即失效）"),
    ("user enable", "启用已停用的账号"),
    ("user unlock", "解除账号因多次输错密码而被锁定的状态"),
    ("user list", "列出全部账号"),
    (
        "backup",
        "把正在使用的数据库完整复制到指定文件（服务运行中也可安全执行）",
    ),
    ("board", "显示某期间的榜单"),
];

/// Each argument's text, by command path and argument id; `*` applies to every command that
/// has no entry of its own.
const ARGS: &[(&str, &str, &str)] = &[
    ("*", "db", "数据库文件"),
    ("*", "help", "显示帮助"),
    ("", "version", "显示版本"),
    ("*", "file", "文件路径"),
    ("*", "period", "期间，如 2023Q3"),
    ("*", "year", "年度，如 2024"),
    ("*", "name", "账号名称"),
    ("*", "actor", "记入导入批次的操作人"),
    ("*", "correct_published", "允许更正已揭榜的期间"),
    ("*", "unit", "单位名称、简称或别名"),
    ("*", "reason", "原因"),
    (
        "*",
        "correction",
        "更正原因（期间已揭榜时必填，榜单上将注明）",
    ),
    (
        "*",
        "competition",
        "竞赛方案文件（TOML，参见 data/demo/competition.toml）",
    ),
    ("*", "units", "单位名单（CSV：单位,简称,别名,类型,组别）"),
    ("import", "file", "得分文件（CSV 或 .xlsx）"),
    (
        "import",
        "period",
        "文件中没有“期间”列时，各行所属的期间，如 2023Q3",
    ),
    ("check", "file", "得分文件（CSV 或 .xlsx）"),
    (
        "check",
        "period",
        "文件中没有“期间”列时，各行所属的期间，如 2023Q3",
    ),
    ("honors", "file", "实干先锋名单（CSV 或 .xlsx）"),
    ("targets", "file", "目标值文件（CSV 或 .xlsx）"),
    ("targets", "quarter", "1–4：某季度的目标；0：全年目标"),
    ("details", "file", "明细清单（CSV 或 .xlsx）"),
    ("playlist", "name", "播放列表名称，在 /lobby/名称 播放"),
    (
        "playlist",
        "slides",
        "幻灯片，如 \"board:街道组,tiers,movers@10,chart,honors\"（默认全部）",
    ),
    (
        "playlist",
        "seconds",
        "每张幻灯片的秒数（单张可用 @N 另设）",
    ),
    ("playlist", "theme", "配色：red（红金）或 dark（高对比度）"),
    (
        "playlist",
        "title",
        "显示在竞赛名称下的标题，如大屏所在位置",
    ),
    (
        "playlist",
        "token",
        "本屏令牌：设定后 /lobby/名称 须带 ?token=… 才显示（至少16个字符）",
    ),
    ("deadline", "at", "报送截止时间，如 \"2023-12-10 17:00\""),
    (
        "deadline",
        "indicator",
        "指标名称或代码（多个组别同名时请用代码）",
    ),
    ("deadline", "clear", "取消报送截止时间"),
    ("publish", "period", "要揭榜的期间，如 2023Q3"),
    ("publish", "yes", "确认：有单位缺少得分（按0分计）时也揭榜"),
    ("backup", "file", "备份文件路径"),
    ("board", "group", "只显示这个组别（名称或编号）"),
    ("board", "format", "输出格式：table（表格）、csv 或 json"),
    ("scheme install", "year", "方案适用的年度，如 2024"),
    ("scheme install", "dry_run", "只显示变化，不写入"),
    ("appeal add", "text", "申诉内容"),
    ("appeal answer", "id", "申诉编号（见 appeal list）"),
    ("appeal answer", "answer", "复核答复"),
    ("appeal answer", "upheld", "申诉成立"),
    (
        "veto import",
        "file",
        "一票否决名单（单位、原因；CSV 或 .xlsx）",
    ),
    (
        "user add",
        "role",
        "角色：admin（管理员）、staff（考评办）或 provider（报送单位）",
    ),
    (
        "user add",
        "provider",
        "报送单位账号所属的报送单位，如 区统计局",
    ),
    ("serve", "bind", "监听地址和端口"),
    ("serve", "no_demo", "数据库为空时不载入示例数据"),
    (
        "serve",
        "demo",
        "空数据库载入哪套示例：district（区级：街道和部门，一年）或 city（市级：县（市）区，两年，含方案调整和年度综合考评）",
    ),
    (
        "serve",
        "secure_cookies",
        "后台 Cookie 加 Secure 标记（服务部署在 HTTPS 之后时使用）",
    ),
    ("serve", "upload_limit_mb", "上传文件大小上限（MB）"),
    (
        "serve",
        "private",
        "榜单、接口和导出须登录后查看（大屏除外）",
    ),
    (
        "serve",
        "lobby_token",
        "大屏须带此令牌访问（/lobby?token=…，至少16个字符）",
    ),
    (
        "serve",
        "public_url",
        "榜单对外访问的网址，如 https://kpb.example.gov.cn；设定后分享图片上印二维码，扫码直达榜单",
    ),
];

/// The Chinese names of argument values shown in usage lines (`<文件>`).
const VALUE_NAMES: &[(&str, &str)] = &[
    ("file", "文件"),
    ("period", "期间"),
    ("year", "年度"),
    ("quarter", "季度"),
    ("name", "名称"),
    ("id", "编号"),
    ("unit", "单位"),
    ("text", "内容"),
    ("answer", "答复"),
    ("reason", "原因"),
    ("correction", "更正原因"),
    ("competition", "方案文件"),
    ("units", "单位名单"),
    ("slides", "幻灯片"),
    ("seconds", "秒数"),
    ("theme", "配色"),
    ("title", "标题"),
    ("token", "令牌"),
    ("at", "时间"),
    ("indicator", "指标"),
    ("group", "组别"),
    ("format", "格式"),
    ("db", "数据库"),
    ("bind", "地址"),
    ("demo", "示例"),
    ("role", "角色"),
    ("provider", "报送单位"),
    ("actor", "操作人"),
    ("upload_limit_mb", "MB"),
    ("lobby_token", "令牌"),
    ("public_url", "网址"),
];

const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

fn lookup<'a>(table: &'a [(&str, &str, &str)], path: &str, id: &str) -> Option<&'a str> {
    table
        .iter()
        .find(|(p, i, _)| *p == path && *i == id)
        .or_else(|| table.iter().find(|(p, i, _)| *p == "*" && *i == id))
        .map(|(_, _, t)| *t)
}

/// The argument with its help in Chinese, and what clap would add in English (default,
/// environment variable, choices) said in Chinese at the end.
fn localize_arg(path: &str, a: Arg) -> Arg {
    let id = a.get_id().as_str().to_string();
    let mut help = lookup(ARGS, path, &id)
        .map(str::to_string)
        .unwrap_or_default();
    let takes_value = a.get_action().takes_values();
    let values: Vec<String> = if takes_value {
        a.get_possible_values()
    } else {
        Vec::new()
    }
    .iter()
    .filter(|v| !v.is_hide_set())
    .map(|v| v.get_name().to_string())
    .collect();
    if !values.is_empty() && !help.contains(values[0].as_str()) {
        help.push_str(&format!("（可选：{}）", values.join("、")));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if !defaults.is_empty() && takes_value {
        help.push_str(&format!("（默认：{}）", defaults.join("、")));
    }
    if let Some(env) = a.get_env() {
        help.push_str(&format!("（环境变量 {}）", env.to_string_lossy()));
    }
    let positional = a.is_positional();
    let mut a =
        a.help(help)
            .hide_env(true)
            .help_heading(if positional { "参数" } else { "选项" });
    if takes_value {
        a = a.hide_default_value(true).hide_possible_values(true);
    }
    if let Some((_, name)) = VALUE_NAMES.iter().find(|(i, _)| *i == id) {
        a = a.value_name(*name);
    }
    a
}

/// The command tree with every help text in Chinese.
#[must_use]
pub fn localize(cmd: Command) -> Command {
    walk(cmd, "")
}

fn walk(cmd: Command, path: &str) -> Command {
    let about = ABOUT
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, a)| *a)
        .unwrap_or_default();
    let bin = if path.is_empty() {
        "shaibang".to_string()
    } else {
        format!("shaibang {path}")
    };
    let has_subcommands = cmd.has_subcommands();
    let mut cmd = cmd
        .about(about)
        .long_about(None)
        .help_template(TEMPLATE)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help),
        );
    if path.is_empty() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version),
        );
    }
    let positionals: Vec<String> = cmd
        .get_positionals()
        .map(|a| {
            let name = VALUE_NAMES
                .iter()
                .find(|(i, _)| *i == a.get_id().as_str())
                .map_or_else(
                    || a.get_id().as_str().to_string(),
                    |(_, n)| (*n).to_string(),
                );
            format!(" <{name}>")
        })
        .collect();
    cmd = cmd.override_usage(format!(
        "{bin} [选项]{}{}",
        positionals.concat(),
        if has_subcommands { " [命令]" } else { "" }
    ));
    let p = path.to_string();
    cmd = cmd.mut_args(move |a| localize_arg(&p, a));
    let p = path.to_string();
    cmd.mut_subcommands(move |sub| {
        let name = sub.get_name().to_string();
        let sub_path = if p.is_empty() {
            name
        } else {
            format!("{p} {name}")
        };
        walk(sub, &sub_path)
    })
}

/// clap's own error (an unknown argument, a missing one, a bad value) said in Chinese.
#[must_use]
pub fn error_text(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ErrorKind};
    let ctx = |k: ContextKind| e.get(k).map(ToString::to_string).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数「{}」", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => {
            format!("不认识的命令「{}」", ctx(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必填参数：{}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "参数 {} 的值「{}」无效",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::InvalidValue)
        ),
        ErrorKind::ArgumentConflict => {
            format!("参数 {} 不能同时使用", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("参数「{}」个数不对", ctx(ContextKind::InvalidArg))
        }
        _ => e.kind().as_str().map_or_else(
            || "命令行参数有误".to_string(),
            |k| format!("命令行参数有误（{k}）"),
        ),
    };
    let source = std::error::Error::source(e)
        .map(|s| format!("：{s}"))
        .unwrap_or_default();
    format!("错误：{what}{source}\n运行 shaibang --help 查看用法")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
    }

    fn check(cmd: &Command, path: &str, missing: &mut Vec<String>) {
        if !cmd.get_about().is_some_and(|a| cjk(&a.to_string())) {
            missing.push(format!("command「{path}」"));
        }
        for a in cmd.get_arguments() {
            if !a.get_help().is_some_and(|h| cjk(&h.to_string())) {
                missing.push(format!("「{path}」--{}", a.get_id()));
            }
        }
        for sub in cmd.get_subcommands() {
            let p = format!("{path} {}", sub.get_name()).trim().to_string();
            check(sub, &p, missing);
        }
    }

    #[test]
    fn every_command_and_argument_has_chinese_help() {
        let cmd = localize(super::super::Cli::command());
        let mut missing = Vec::new();
        check(&cmd, "", &mut missing);
        assert!(missing.is_empty(), "help without Chinese: {missing:?}");
        // No English of clap's own in any help page.
        let mut cmd = cmd;
        cmd.build();
        for path in [vec![], vec!["import"], vec!["veto", "set"], vec!["serve"]] {
            let mut c = cmd.clone();
            for p in &path {
                c = c.find_subcommand(p).unwrap().clone();
            }
            let help = c.render_help().to_string();
            for english in [
                "Usage",
                "Options",
                "Arguments",
                "Commands",
                "Print help",
                "[default",
                "[env",
                "possible values",
            ] {
                assert!(
                    !help.contains(english),
                    "{path:?}: 「{english}」 in\n{help}"
                );
            }
            assert!(help.contains("用法：shaibang"), "{help}");
        }
    }
}
