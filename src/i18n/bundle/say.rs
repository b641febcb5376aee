//! What the key and bundle commands say when they work, in both languages:
//! the [`Say`] sentences, the names of the parties, and the key list's and
//! imports log's columns. Failures and refusals are the sibling modules'.

use crate::domain::commune::{Commune, Role};
use crate::domain::work::Moved;
use crate::i18n::Lang;
use crate::ops::exchange::Imported;

/// Sentences with values in them.
#[derive(Clone, Debug)]
pub enum Say<'a> {
    PassphraseNew,
    PassphraseAgain,
    Passphrase,
    /// After set-up or `key new`: this device's key id and what to do with it.
    KeyMade {
        id: &'a str,
        role: Role,
    },
    Trusted {
        id: &'a str,
        team: Option<u8>,
    },
    Untrusted {
        id: &'a str,
        team: Option<u8>,
    },
    NoTrustedKeys,
    Exported {
        file: &'a str,
        receiver: Role,
        sequence: u64,
        versions: usize,
        work_items: usize,
    },
    /// No bundle for `receiver`: none of its trusted keys has an age key.
    NoReaderKey {
        receiver: Role,
    },
    /// The device's secret age identity was written to `path`.
    IdentityWritten {
        path: &'a str,
    },
    Imported {
        file: &'a str,
        sender: Role,
        sequence: u64,
        new: usize,
        known: usize,
        conflicts: usize,
    },
    /// The sender had already delivered a later bundle.
    Stale {
        file: &'a str,
        latest: u64,
    },
    /// New versions from device `device` dated more than a day ahead of
    /// now, the latest on `latest`: that device's clock is wrong.
    FutureDated {
        device: &'a str,
        count: usize,
        latest: &'a str,
    },
    /// (A team device) The commune moved work item `item` to team `team`
    /// (of village `village`): it left this device's list.
    MovedAway {
        item: &'a str,
        team: u8,
        village: &'a str,
    },
    Valid {
        file: &'a str,
    },
    From {
        sender: Role,
        device: &'a str,
        key: &'a str,
    },
    To {
        receiver: Role,
    },
    Sequence {
        sequence: u64,
    },
    Made {
        at: &'a str,
    },
    Rows {
        file: &'a str,
        rows: usize,
    },
    WouldAdd {
        new: usize,
        known: usize,
    },
    NoImports,
    /// Case show: the conflict heading.
    Conflict {
        heads: usize,
    },
    ResolveHint {
        record: &'a str,
    },
}

/// A sentence in `lang`, made printable as a whole (see `i18n::error`).
pub fn say(lang: Lang, s: &Say) -> String {
    let sentence = match lang {
        Lang::Vi => vi(s),
        Lang::En => en(s),
    };
    crate::domain::text::printable(&sentence, usize::MAX)
}

/// What importing a bundle (from file `file`, as the person named it)
/// did: a line for the bundle, then one per work item it moved away from
/// this team. Both fronts show these lines.
pub fn imported_lines(lang: Lang, file: &str, done: &Imported, commune: &Commune) -> Vec<String> {
    let file = crate::domain::text::printable(file, 400);
    let mut lines = vec![say(
        lang,
        &Say::Imported {
            file: &file,
            sender: done.header.sender,
            sequence: done.header.sequence,
            new: done.summary.new,
            known: done.summary.known,
            conflicts: done.summary.new_conflicts,
        },
    )];
    if let Some(latest) = done.future.latest {
        lines.push(say(
            lang,
            &Say::FutureDated {
                device: &done.header.sender_device,
                count: done.future.count,
                latest: &latest.format("%d/%m/%Y").to_string(),
            },
        ));
    }
    lines.extend(moved_lines(lang, &done.moved, commune));
    lines
}

/// A line per work item an imported bundle moved away from this team.
fn moved_lines(lang: Lang, moved: &[Moved], commune: &Commune) -> Vec<String> {
    moved
        .iter()
        .map(|m| {
            let village = commune.village(m.team).map_or("", |v| v.name.as_str());
            say(
                lang,
                &Say::MovedAway {
                    item: &m.id,
                    team: m.team,
                    village,
                },
            )
        })
        .collect()
}

pub fn party(lang: Lang, role: Role) -> String {
    match (lang, role) {
        (Lang::Vi, Role::Commune) => "xã".into(),
        (Lang::Vi, Role::Team(t)) => format!("tổ {t}"),
        (Lang::En, Role::Commune) => "the commune".into(),
        (Lang::En, Role::Team(t)) => format!("team {t}"),
    }
}

pub(super) fn team_or_commune(lang: Lang, team: Option<u8>) -> String {
    party(lang, team.map(Role::Team).unwrap_or(Role::Commune))
}

fn vi(s: &Say) -> String {
    let p = |r: Role| party(Lang::Vi, r);
    match s {
        Say::PassphraseNew => "Đặt mật khẩu cho khoá ký của máy này: ".into(),
        Say::PassphraseAgain => "Nhập lại mật khẩu: ".into(),
        Say::Passphrase => "Mật khẩu của máy này (mở khoá ký và dữ liệu): ".into(),
        Say::KeyMade {
            id,
            role: Role::Commune,
        } => format!(
            "Khoá ký của máy này: {id}. Gửi khoá công khai cho các tổ: tothon key show > commune.pub"
        ),
        Say::KeyMade { id, role } => format!(
            "Khoá ký của máy này: {id}. Gửi khoá công khai cho xã: tothon key show > {}.pub",
            match role {
                Role::Team(t) => format!("team{t}"),
                Role::Commune => "commune".into(),
            }
        ),
        Say::Trusted { id, team } => {
            format!(
                "Đã tin cậy khoá {id} của {}.",
                team_or_commune(Lang::Vi, *team)
            )
        }
        Say::Untrusted { id, team } => format!(
            "Đã thu hồi khoá {id} của {}; từ nay các gói ký bằng khoá này bị từ chối.",
            team_or_commune(Lang::Vi, *team)
        ),
        Say::NoTrustedKeys => "Chưa tin cậy khoá nào.".into(),
        Say::Exported {
            file,
            receiver,
            sequence,
            versions,
            work_items: 0,
        } => format!(
            "Đã ghi gói {file} gửi {} (số {sequence}): {versions} phiên bản.",
            p(*receiver)
        ),
        Say::Exported {
            file,
            receiver,
            sequence,
            versions,
            work_items,
        } => format!(
            "Đã ghi gói {file} gửi {} (số {sequence}): {versions} phiên bản, {work_items} việc được giao.",
            p(*receiver)
        ),
        Say::IdentityWritten { path } => format!(
            "Đã ghi khoá giải mã của máy này vào {path} (chỉ chủ máy đọc được). Ai có tệp này đọc được mọi gói gửi máy này: giữ kín, xoá khi dùng xong."
        ),
        Say::NoReaderKey { receiver } => format!(
            "Chưa ghi gói gửi {0}: chưa có khoá mã hoá của {0}. Tin cậy lại tệp .pub mới của {0} (in bằng «tothon key show» trên máy đó), hoặc nhận một gói mới của {0} trước.",
            p(*receiver)
        ),
        Say::Imported {
            file,
            sender,
            sequence,
            new,
            known,
            conflicts,
        } => format!(
            "Đã nhận gói {file} của {} (số {sequence}): {new} phiên bản mới, {known} đã có, {conflicts} xung đột mới.",
            p(*sender)
        ),
        Say::Stale { file, latest } => format!(
            "Chú ý: gói {file} cũ hơn gói số {latest} đã nhận từ cùng máy; dữ liệu không mất gì, nhưng hãy hỏi tổ gói mới nhất."
        ),
        Say::FutureDated {
            device,
            count,
            latest,
        } => format!(
            "Chú ý: {count} phiên bản của máy {device} ghi ngày sau hôm nay (muộn nhất {latest}): đồng hồ máy đó sai. Đã nhận, nhưng báo cáo theo ngày chưa tính chúng cho tới ngày đó; hãy chỉnh ngày giờ máy {device}."
        ),
        Say::MovedAway {
            item,
            team,
            village,
        } => format!(
            "Xã đã chuyển việc {item} sang tổ {team} ({village}): việc này rời danh sách của tổ; những gì tổ đã lưu cho việc này vẫn được gửi về xã."
        ),
        Say::Valid { file } => format!("Gói {file} hợp lệ."),
        Say::From {
            sender,
            device,
            key,
        } => format!("  Người gửi: {} (máy {device}, khoá {key})", p(*sender)),
        Say::To { receiver } => format!("  Người nhận: {}", p(*receiver)),
        Say::Sequence { sequence } => format!("  Số thứ tự: {sequence}"),
        Say::Made { at } => format!("  Lập lúc: {at}"),
        Say::Rows { file, rows } => format!("  {file}: {rows} dòng"),
        Say::WouldAdd { new, known } => {
            format!("  Nếu nhận: {new} phiên bản mới, {known} đã có.")
        }
        Say::NoImports => "Chưa nhận gói nào.".into(),
        Say::Conflict { heads } => {
            format!("Xung đột: {heads} phiên bản song song (* = khác nhau)")
        }
        Say::ResolveHint { record } => format!(
            "Giải quyết: tothon case resolve {record} --take N [--pick trường=N ...] [--set trường=giá_trị ...]"
        ),
    }
}

fn en(s: &Say) -> String {
    let p = |r: Role| party(Lang::En, r);
    match s {
        Say::PassphraseNew => "Choose a passphrase for this device's signing key: ".into(),
        Say::PassphraseAgain => "Type the passphrase again: ".into(),
        Say::Passphrase => "This device's passphrase (opens its key and its data): ".into(),
        Say::KeyMade {
            id,
            role: Role::Commune,
        } => format!(
            "This device's signing key: {id}. Give the public key to the teams: tothon key show > commune.pub"
        ),
        Say::KeyMade { id, role } => format!(
            "This device's signing key: {id}. Give the public key to the commune: tothon key show > {}.pub",
            match role {
                Role::Team(t) => format!("team{t}"),
                Role::Commune => "commune".into(),
            }
        ),
        Say::Trusted { id, team } => {
            format!(
                "Key {id} of {} is now trusted.",
                team_or_commune(Lang::En, *team)
            )
        }
        Say::Untrusted { id, team } => format!(
            "Key {id} of {} is revoked; bundles signed with it are refused from now on.",
            team_or_commune(Lang::En, *team)
        ),
        Say::NoTrustedKeys => "No keys are trusted yet.".into(),
        Say::Exported {
            file,
            receiver,
            sequence,
            versions,
            work_items: 0,
        } => format!(
            "Wrote {file} for {} (number {sequence}): {versions} versions.",
            p(*receiver)
        ),
        Say::Exported {
            file,
            receiver,
            sequence,
            versions,
            work_items,
        } => format!(
            "Wrote {file} for {} (number {sequence}): {versions} versions, {work_items} work items.",
            p(*receiver)
        ),
        Say::IdentityWritten { path } => format!(
            "Wrote this device's decryption key to {path} (readable by its owner only). Whoever has this file can read every bundle sent to this device: keep it safe, delete it when done."
        ),
        Say::NoReaderKey { receiver } => format!(
            "No bundle written for {0}: no encryption key of {0} is known yet. Trust {0}'s new .pub file again (printed by `tothon key show` on that device), or import a new bundle from {0} first.",
            p(*receiver)
        ),
        Say::Imported {
            file,
            sender,
            sequence,
            new,
            known,
            conflicts,
        } => format!(
            "Imported {file} from {} (number {sequence}): {new} new versions, {known} already known, {conflicts} new conflicts.",
            p(*sender)
        ),
        Say::Stale { file, latest } => format!(
            "Note: {file} is older than bundle number {latest} already received from the same device; nothing is lost, but ask the team for its latest bundle."
        ),
        Say::FutureDated {
            device,
            count,
            latest,
        } => format!(
            "Note: {count} versions from device {device} are dated after today (latest {latest}): that device's clock is wrong. They are taken, but no day's report counts them until that date; set device {device}'s date and time."
        ),
        Say::MovedAway {
            item,
            team,
            village,
        } => format!(
            "The commune moved work item {item} to team {team} ({village}): it has left this team's list; what the team saved for it still goes to the commune."
        ),
        Say::Valid { file } => format!("{file} is valid."),
        Say::From {
            sender,
            device,
            key,
        } => format!("  From: {} (device {device}, key {key})", p(*sender)),
        Say::To { receiver } => format!("  To: {}", p(*receiver)),
        Say::Sequence { sequence } => format!("  Number: {sequence}"),
        Say::Made { at } => format!("  Made: {at}"),
        Say::Rows { file, rows } => format!("  {file}: {rows} rows"),
        Say::WouldAdd { new, known } => {
            format!("  Importing it would add {new} new versions; {known} are already known.")
        }
        Say::NoImports => "No bundles received yet.".into(),
        Say::Conflict { heads } => {
            format!("Conflict: {heads} parallel versions (* = they differ)")
        }
        Say::ResolveHint { record } => format!(
            "Resolve with: tothon case resolve {record} --take N [--pick field=N ...] [--set field=value ...]"
        ),
    }
}

/// Column headings of `tothon key list`.
pub fn keys_header(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Vi => ["Khoá", "Của", "Máy", "Thêm lúc", "Thu hồi lúc"],
        Lang::En => ["Key", "Of", "Device", "Added", "Revoked"],
    }
}

/// Column headings of `tothon imports`.
pub fn imports_header(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Vi => ["Nhận lúc", "Tệp", "Người gửi", "Số", "Kết quả"],
        Lang::En => ["Received", "File", "From", "No.", "Result"],
    }
}

/// The result column of one imports-log line.
pub fn import_result(
    lang: Lang,
    accepted: bool,
    new: usize,
    known: usize,
    conflicts: usize,
    stale: bool,
) -> String {
    match (lang, accepted) {
        (Lang::Vi, true) => format!(
            "đã nhận: {new} mới, {known} đã có, {conflicts} xung đột{}",
            if stale {
                " ⚠ cũ hơn gói đã nhận"
            } else {
                ""
            }
        ),
        (Lang::En, true) => format!(
            "imported: {new} new, {known} known, {conflicts} conflicts{}",
            if stale {
                " ⚠ older than one received"
            } else {
                ""
            }
        ),
        (Lang::Vi, false) => "từ chối".into(),
        (Lang::En, false) => "refused".into(),
    }
}
