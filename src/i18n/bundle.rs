//! Every text about keys, bundles, imports and conflicts, in Vietnamese and
//! English: messages, table headings, and the one-sentence reasons a bundle is
//! refused (naming the file, row and column). No I/O.
//!
//! Each sentence is one `format!`, never pieced together from fragments.

use std::path::Path;

use super::{Lang, problems};
use crate::bundle::key::KeyError;
use crate::bundle::{BundleError, CellProblem};
use crate::domain::admit::{RowRefusal, SenderRefusal};
use crate::domain::commune::Role;
use crate::domain::form;
use crate::domain::resolve::ResolveError;
use crate::ops::exchange::{ExchangeError, Refusal, Rejection};
use crate::store::ImportEntry;

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

pub fn say(lang: Lang, s: &Say) -> String {
    match lang {
        Lang::Vi => vi(s),
        Lang::En => en(s),
    }
}

pub fn party(lang: Lang, role: Role) -> String {
    match (lang, role) {
        (Lang::Vi, Role::Commune) => "xã".into(),
        (Lang::Vi, Role::Team(t)) => format!("tổ {t}"),
        (Lang::En, Role::Commune) => "the commune".into(),
        (Lang::En, Role::Team(t)) => format!("team {t}"),
    }
}

fn team_or_commune(lang: Lang, team: Option<u8>) -> String {
    party(lang, team.map(Role::Team).unwrap_or(Role::Commune))
}

fn vi(s: &Say) -> String {
    let p = |r: Role| party(Lang::Vi, r);
    match s {
        Say::PassphraseNew => "Đặt mật khẩu cho khoá ký của máy này: ".into(),
        Say::PassphraseAgain => "Nhập lại mật khẩu: ".into(),
        Say::Passphrase => "Mật khẩu khoá ký: ".into(),
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
        Say::Passphrase => "Signing key passphrase: ".into(),
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

// ----------------------------------------------------------------- errors --

pub fn exchange_error(lang: Lang, e: &ExchangeError) -> String {
    match lang {
        Lang::Vi => exchange_vi(e),
        Lang::En => exchange_en(e),
    }
}

fn key_vi(e: &KeyError) -> String {
    match e {
        KeyError::WrongPassphrase => {
            "Mật khẩu không đúng, không mở được khoá ký của máy này.".into()
        }
        KeyError::EmptyPassphrase => "Mật khẩu không được để trống.".into(),
        KeyError::NotAPublicKey(d) => {
            format!("Tệp này không phải khoá công khai minisign ({d}).")
        }
        KeyError::Damaged(d) => format!(
            "Khoá ký lưu trong máy bị hỏng ({d}); tạo khoá mới bằng «tothon key new --replace» rồi gửi lại khoá công khai."
        ),
        KeyError::Generate(d) => format!("Không tạo được khoá ký ({d})."),
    }
}

fn key_en(e: &KeyError) -> String {
    match e {
        KeyError::WrongPassphrase => {
            "Wrong passphrase: this device's signing key did not open.".into()
        }
        KeyError::EmptyPassphrase => "The passphrase must not be empty.".into(),
        KeyError::NotAPublicKey(d) => format!("This file is not a minisign public key ({d})."),
        KeyError::Damaged(d) => format!(
            "The stored signing key is damaged ({d}); make a new one with `tothon key new --replace` and hand out the new public key."
        ),
        KeyError::Generate(d) => format!("The signing key could not be made ({d})."),
    }
}

fn exchange_vi(e: &ExchangeError) -> String {
    match e {
        ExchangeError::Store(s) => super::vi::store_error(s),
        ExchangeError::NoKey => "Máy này chưa có khoá ký; tạo bằng «tothon key new».".into(),
        ExchangeError::KeyExists { id } => format!(
            "Máy này đã có khoá ký {id}; muốn thay bằng khoá mới thì thêm --replace (xã và các tổ phải tin cậy lại khoá mới)."
        ),
        ExchangeError::Key(k) => key_vi(k),
        ExchangeError::NoPassphrase => "Cần mật khẩu khoá ký: đặt biến TOTHON_PASSPHRASE, hoặc chạy lệnh trong cửa sổ dòng lệnh để nhập.".into(),
        ExchangeError::PassphrasesDiffer => "Hai lần nhập mật khẩu không giống nhau; chưa tạo gì.".into(),
        ExchangeError::PublicKeyFile { path, error } => {
            format!("{}: {}", path.display(), key_vi(error))
        }
        ExchangeError::TeamNeeded => "Trên máy xã, cần cho biết khoá này của tổ nào: tothon trust --team N TỆP.pub".into(),
        ExchangeError::NoTeamHere => "Máy của tổ chỉ tin cậy khoá của xã: bỏ --team.".into(),
        ExchangeError::NoSuchTeam { team } => format!("Xã này không có tổ {team}."),
        ExchangeError::OwnKey => "Đây là khoá của chính máy này, không cần tin cậy.".into(),
        ExchangeError::UnknownKey { key_id } => format!(
            "Không có khoá {key_id} trong danh sách khoá tin cậy; xem danh sách bằng «tothon key list»."
        ),
        ExchangeError::Rejected(r) => rejection(Lang::Vi, r),
        ExchangeError::File { path, detail } => {
            format!("Không ghi/đọc được tệp {}: {detail}.", path.display())
        }
        ExchangeError::Unwritable(e) => format!("Không ghi được gói: {}", format_error(Lang::Vi, e)),
    }
}

fn exchange_en(e: &ExchangeError) -> String {
    match e {
        ExchangeError::Store(s) => super::en::store_error(s),
        ExchangeError::NoKey => "This device has no signing key yet; make one with `tothon key new`.".into(),
        ExchangeError::KeyExists { id } => format!(
            "This device already has signing key {id}; add --replace to make a new one (the commune and teams must then trust the new key)."
        ),
        ExchangeError::Key(k) => key_en(k),
        ExchangeError::NoPassphrase => "The signing key's passphrase is needed: set TOTHON_PASSPHRASE, or run the command in a terminal to type it.".into(),
        ExchangeError::PassphrasesDiffer => "The two passphrases differ; nothing was made.".into(),
        ExchangeError::PublicKeyFile { path, error } => {
            format!("{}: {}", path.display(), key_en(error))
        }
        ExchangeError::TeamNeeded => "On the commune device, say whose key this is: tothon trust --team N FILE.pub".into(),
        ExchangeError::NoTeamHere => "A team device trusts only the commune's key: leave out --team.".into(),
        ExchangeError::NoSuchTeam { team } => format!("This commune has no team {team}."),
        ExchangeError::OwnKey => "That is this device's own key; it needs no trusting.".into(),
        ExchangeError::UnknownKey { key_id } => format!(
            "Key {key_id} is not among the trusted keys; `tothon key list` shows them."
        ),
        ExchangeError::Rejected(r) => rejection(Lang::En, r),
        ExchangeError::File { path, detail } => {
            format!("Could not read/write {}: {detail}.", path.display())
        }
        ExchangeError::Unwritable(e) => format!("The bundle could not be written: {}", format_error(Lang::En, e)),
    }
}

pub fn resolve_error(lang: Lang, e: &ResolveError) -> String {
    match (lang, e) {
        (Lang::Vi, ResolveError::NotInConflict) => {
            "Trường hợp này không có xung đột; sửa bình thường bằng «tothon case edit».".into()
        }
        (Lang::En, ResolveError::NotInConflict) => {
            "This case has no conflict; edit it with `tothon case edit`.".into()
        }
        (Lang::Vi, ResolveError::NoSuchHead { n, heads }) => format!(
            "Không có phiên bản số {n}; trường hợp này có {heads} phiên bản song song (xem «tothon case show»)."
        ),
        (Lang::En, ResolveError::NoSuchHead { n, heads }) => format!(
            "There is no version {n}; this case has {heads} parallel versions (see `tothon case show`)."
        ),
        (Lang::Vi, ResolveError::UnknownField { field }) => format!(
            "Không có trường «{field}» trong mẫu phiếu này; xem danh sách bằng «tothon forms»."
        ),
        (Lang::En, ResolveError::UnknownField { field }) => {
            format!("The form has no field \"{field}\"; `tothon forms` lists them.")
        }
        (Lang::Vi, ResolveError::Undecided { field }) => format!(
            "Các phiên bản khác nhau ở trường «{field}»: chọn bằng --take N, --pick {field}=N hoặc --set {field}=giá_trị. Chưa lưu gì."
        ),
        (Lang::En, ResolveError::Undecided { field }) => format!(
            "The versions differ in \"{field}\": choose with --take N, --pick {field}=N or --set {field}=value. Nothing was saved."
        ),
        (Lang::Vi, ResolveError::BadPick { arg }) => {
            format!("«--pick {arg}» cần có dạng trường=số, ví dụ --pick phone=2.")
        }
        (Lang::En, ResolveError::BadPick { arg }) => {
            format!("\"--pick {arg}\" must look like field=number, e.g. --pick phone=2.")
        }
    }
}

// ------------------------------------------------------------- rejections --

/// A bundle's file name as messages show it: a hostile name (with line
/// breaks or terminal escapes) is shown escaped, not obeyed.
fn name_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    crate::bundle::archive::escaped(&name, 200)
}

/// One line: which bundle, why, and where it was kept.
pub fn rejection(lang: Lang, r: &Rejection) -> String {
    let name = name_of(&r.file);
    let why = refusal(lang, &r.refusal);
    match (lang, &r.kept) {
        (Lang::Vi, Some(kept)) => format!(
            "Gói {name} không dùng được: {why} Chưa nhận gì vào dữ liệu; gói được để riêng tại {}.",
            crate::bundle::archive::escaped(
                &crate::bundle::archive::escaped(&kept.display().to_string(), 400).to_string(),
                400
            )
        ),
        (Lang::Vi, None) => {
            format!("Gói {name} không dùng được: {why} Chưa nhận gì vào dữ liệu.")
        }
        (Lang::En, Some(kept)) => format!(
            "Bundle {name} cannot be used: {why} Nothing was imported; the bundle was set aside in {}.",
            kept.display()
        ),
        (Lang::En, None) => format!("Bundle {name} cannot be used: {why} Nothing was imported."),
    }
}

/// The note kept beside a refused bundle in `rejected/`, for whoever opens
/// the folder, in no language chosen: Vietnamese, then English.
pub fn rejection_note(r: &Rejection) -> String {
    format!("{}\n{}", rejection(Lang::Vi, r), rejection(Lang::En, r))
}

/// Why a bundle in the imports log was refused, in `lang`. An entry logged
/// before the reason was kept as data shows the sentence it kept, as it is.
pub fn logged_refusal(lang: Lang, entry: &ImportEntry) -> String {
    match Refusal::of_logged(entry) {
        Some(r) => refusal(lang, &r),
        None => entry.detail.clone(),
    }
}

/// A column as a person finds it: the CSV header, and the form's label when
/// it is one of the form's fields.
fn column_label(lang: Lang, file: &str, column: &str) -> String {
    let label = form::form(file.trim_end_matches(".csv"))
        .and_then(|s| s.field(column))
        .map(|f| f.label.get(lang).to_string());
    match label {
        Some(l) => format!("{column} ({l})"),
        None => column.to_string(),
    }
}

fn place(lang: Lang, file: &str, row: usize, column: Option<&str>) -> String {
    match (lang, column) {
        (Lang::Vi, Some(c)) => format!(
            "tệp {file}, dòng {row}, cột {}",
            column_label(lang, file, c)
        ),
        (Lang::Vi, None) => format!("tệp {file}, dòng {row}"),
        (Lang::En, Some(c)) => format!("{file}, row {row}, column {}", column_label(lang, file, c)),
        (Lang::En, None) => format!("{file}, row {row}"),
    }
}

/// The reason a bundle was refused, as one or two sentences ending in a stop.
pub fn refusal(lang: Lang, r: &Refusal) -> String {
    match (lang, r) {
        (Lang::Vi, Refusal::Unreadable { detail }) => format!("không đọc được tệp ({detail})."),
        (Lang::Vi, Refusal::Local { detail }) => format!(
            "không đọc được dữ liệu của chính máy này để kiểm tra gói ({detail}); gói không có lỗi gì, hãy thử lại."
        ),
        (Lang::En, Refusal::Local { detail }) => format!(
            "this device's own data could not be read to check the bundle ({detail}); the bundle is not at fault, try again."
        ),
        (Lang::En, Refusal::Unreadable { detail }) => {
            format!("the file could not be read ({detail}).")
        }
        (_, Refusal::Format(e)) => format_error(lang, e),
        (_, Refusal::Sender(s)) => sender(lang, s),
        (
            _,
            Refusal::Row {
                file,
                row,
                column,
                refusal,
            },
        ) => {
            let at = place(lang, file, *row, column.as_deref());
            row_refusal(lang, &at, refusal)
        }
    }
}

fn row_refusal(lang: Lang, at: &str, r: &RowRefusal) -> String {
    match (lang, r) {
        (Lang::Vi, RowRefusal::NoSuchTeam { team }) => {
            format!("{at}: xã này không có tổ {team}.")
        }
        (Lang::En, RowRefusal::NoSuchTeam { team }) => {
            format!("{at}: this commune has no team {team}.")
        }
        (Lang::Vi, RowRefusal::OtherTeam { record, team }) => {
            format!("{at}: trường hợp {record} thuộc tổ {team}, tổ gửi gói không được sửa.")
        }
        (Lang::En, RowRefusal::OtherTeam { record, team }) => format!(
            "{at}: case {record} belongs to team {team}; the sending team may not change it."
        ),
        (Lang::Vi, RowRefusal::NotAuthor { device }) => format!(
            "{at}: phiên bản này do máy {device} lập, không phải máy đã ký gói, và xã chưa có nó."
        ),
        (Lang::En, RowRefusal::NotAuthor { device }) => format!(
            "{at}: this version was written on device {device}, not the one that signed the bundle, and the commune does not hold it."
        ),
        (_, RowRefusal::Invalid { problem }) => {
            format!("{at}: {}", problems::message(problem, lang))
        }
        (Lang::Vi, RowRefusal::NotAsSaved) => format!(
            "{at}: giá trị không ở dạng chuẩn mà tothon lưu (gói không do tothon ghi hoặc đã bị sửa)."
        ),
        (Lang::En, RowRefusal::NotAsSaved) => format!(
            "{at}: the value is not in the form tothon stores (the bundle was not written by tothon, or was edited)."
        ),
        (Lang::Vi, RowRefusal::WrongStatus { status, expected }) => format!(
            "{at}: trạng thái «{}» không khớp với nội dung phiếu (lẽ ra là «{}»).",
            super::status(Lang::Vi, *status),
            super::status(Lang::Vi, *expected)
        ),
        (Lang::En, RowRefusal::WrongStatus { status, expected }) => format!(
            "{at}: the status \"{}\" does not match the form's content (it should be \"{}\").",
            super::status(Lang::En, *status),
            super::status(Lang::En, *expected)
        ),
    }
}

fn sender(lang: Lang, s: &SenderRefusal) -> String {
    let p = |r: Role| party(lang, r);
    match (lang, s) {
        (Lang::Vi, SenderRefusal::OwnBundle) => "đây là gói do chính máy này lập.".into(),
        (Lang::En, SenderRefusal::OwnBundle) => "this bundle was made on this very device.".into(),
        (Lang::Vi, SenderRefusal::NotForHere { receiver, here }) => format!(
            "gói này gửi cho {}, còn máy này là máy của {}.",
            p(*receiver),
            p(*here)
        ),
        (Lang::En, SenderRefusal::NotForHere { receiver, here }) => format!(
            "this bundle is addressed to {}, and this device is {}'s.",
            p(*receiver),
            p(*here)
        ),
        (Lang::Vi, SenderRefusal::OtherCommune { bundle, here }) => {
            format!("gói này của «{bundle}», còn máy này thuộc «{here}».")
        }
        (Lang::En, SenderRefusal::OtherCommune { bundle, here }) => {
            format!("this bundle is from \"{bundle}\", and this device belongs to \"{here}\".")
        }
        (Lang::Vi, SenderRefusal::UnknownKey { key_id }) => format!(
            "gói được ký bằng khoá {key_id}, khoá này chưa được tin cậy trên máy này (tin cậy bằng «tothon trust»)."
        ),
        (Lang::En, SenderRefusal::UnknownKey { key_id }) => format!(
            "the bundle is signed with key {key_id}, which this device does not trust (trust keys with `tothon trust`)."
        ),
        (Lang::Vi, SenderRefusal::RevokedKey { key_id }) => {
            format!("gói được ký bằng khoá {key_id}, khoá này đã bị thu hồi.")
        }
        (Lang::En, SenderRefusal::RevokedKey { key_id }) => {
            format!("the bundle is signed with key {key_id}, which has been revoked.")
        }
        (
            Lang::Vi,
            SenderRefusal::KeyOfOther {
                key_id,
                key_team,
                claimed,
            },
        ) => format!(
            "gói tự nhận là của {}, nhưng được ký bằng khoá {key_id} của {}.",
            p(*claimed),
            team_or_commune(lang, *key_team)
        ),
        (
            Lang::En,
            SenderRefusal::KeyOfOther {
                key_id,
                key_team,
                claimed,
            },
        ) => format!(
            "the bundle claims to be from {}, but is signed with key {key_id} of {}.",
            p(*claimed),
            team_or_commune(lang, *key_team)
        ),
        (Lang::Vi, SenderRefusal::DeviceChanged { key_id, first, now }) => {
            format!("khoá {key_id} trước đây được dùng trên máy {first}, nay gói ghi máy {now}.")
        }
        (Lang::En, SenderRefusal::DeviceChanged { key_id, first, now }) => format!(
            "key {key_id} was used on device {first} before, and this bundle names device {now}."
        ),
        (Lang::Vi, SenderRefusal::DeviceTaken { device }) => {
            format!("mã máy {device} đã thuộc về một khoá khác.")
        }
        (Lang::En, SenderRefusal::DeviceTaken { device }) => {
            format!("device id {device} already belongs to another key.")
        }
        (Lang::Vi, SenderRefusal::NoSuchTeam { team }) => {
            format!("gói tự nhận là của tổ {team}, xã này không có tổ đó.")
        }
        (Lang::En, SenderRefusal::NoSuchTeam { team }) => {
            format!("the bundle claims to be from team {team}, which this commune does not have.")
        }
    }
}

fn size(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{} MB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}

fn format_error(lang: Lang, e: &BundleError) -> String {
    use BundleError as B;
    match lang {
        Lang::Vi => match e {
            B::TooBig { size: s, limit } => format!(
                "tệp lớn {}, vượt giới hạn {} của một gói.",
                size(*s),
                size(*limit)
            ),
            B::NotAZip { detail } => format!(
                "tệp không phải tệp zip đọc được, có thể bị cắt ngắn khi chép ({detail})."
            ),
            B::TooManyEntries { count, limit } => {
                format!("tệp zip có {count} tệp bên trong, nhiều hơn {limit}.")
            }
            B::DuplicateName => "tệp zip có hai tệp trùng tên.".into(),
            B::UnsafeName { name } => format!(
                "tệp zip chứa «{name}», một đường dẫn chứ không phải tên tệp đơn."
            ),
            B::UnexpectedName { name } => {
                format!("tệp zip chứa «{name}», không thuộc một gói tothon.")
            }
            B::Encrypted { name } => format!("tệp {name} trong gói bị mã hoá."),
            B::NotAsWritten { name } => format!(
                "tệp {name} trong gói bị nén hoặc lưu khác cách tothon ghi (gói đã bị nén lại?)."
            ),
            B::EntryTooBig { name, size: s, limit } => format!(
                "tệp {name} trong gói lớn {}, vượt giới hạn {}.",
                size(*s),
                size(*limit)
            ),
            B::Truncated { name } => format!("tệp {name} trong gói bị cắt ngắn."),
            B::Missing { name } => format!("thiếu tệp {name} trong gói."),
            B::Repacked => "tệp zip đã bị thay đổi sau khi tothon ghi.".into(),
            B::SignatureFile => format!(
                "tệp {} không phải chữ ký minisign do tothon ghi.",
                crate::bundle::SIGNATURE
            ),
            B::BadSignature => "chữ ký không khớp với manifest.csv: gói đã bị sửa sau khi ký, hoặc không phải của khoá này.".into(),
            B::CommentMismatch => "phần ghi chú có chữ ký không khớp với manifest.csv.".into(),
            B::KeyMismatch { manifest, signature } => format!(
                "manifest.csv ghi khoá {manifest}, còn chữ ký là của khoá {signature}."
            ),
            B::UnknownFormat { found } => format!(
                "gói theo định dạng «{found}», phiên bản tothon này không đọc được; hãy cập nhật tothon."
            ),
            B::HashMismatch { file } => format!(
                "tệp {file} đã bị sửa: mã SHA-256 không khớp với manifest.csv."
            ),
            B::RowCount {
                file,
                declared,
                found,
            } => format!("tệp {file} có {found} dòng dữ liệu, manifest.csv ghi {declared}."),
            B::Cell {
                file,
                row,
                column,
                problem,
            } => format!(
                "{}: {}",
                place(lang, file, *row, column.as_deref()),
                cell_vi(problem)
            ),
            B::WrongId { file, row } => format!(
                "{}: mã phiên bản không khớp với nội dung (dòng đã bị sửa).",
                place(lang, file, *row, Some("id"))
            ),
            B::Unwritable { detail } => format!("không ghi được gói ({detail})."),
        },
        Lang::En => match e {
            B::TooBig { size: s, limit } => format!(
                "the file is {}, over the {} a bundle may be.",
                size(*s),
                size(*limit)
            ),
            B::NotAZip { detail } => format!(
                "the file is not a readable zip; it may have been cut short while copying ({detail})."
            ),
            B::TooManyEntries { count, limit } => {
                format!("the zip holds {count} files, more than {limit}.")
            }
            B::DuplicateName => "the zip holds two files of the same name.".into(),
            B::UnsafeName { name } => {
                format!("the zip holds \"{name}\", a path rather than a plain file name.")
            }
            B::UnexpectedName { name } => {
                format!("the zip holds \"{name}\", which does not belong in a tothon bundle.")
            }
            B::Encrypted { name } => format!("{name} in the bundle is encrypted."),
            B::NotAsWritten { name } => format!(
                "{name} in the bundle is compressed or stored otherwise than tothon writes it (was the bundle re-zipped?)."
            ),
            B::EntryTooBig { name, size: s, limit } => format!(
                "{name} in the bundle is {}, over the limit of {}.",
                size(*s),
                size(*limit)
            ),
            B::Truncated { name } => format!("{name} in the bundle is cut short."),
            B::Missing { name } => format!("{name} is missing from the bundle."),
            B::Repacked => "the zip was changed after tothon wrote it.".into(),
            B::SignatureFile => format!(
                "{} is not a minisign signature written by tothon.",
                crate::bundle::SIGNATURE
            ),
            B::BadSignature => "the signature does not match manifest.csv: the bundle was changed after signing, or was not signed with this key.".into(),
            B::CommentMismatch => "the signed comment disagrees with manifest.csv.".into(),
            B::KeyMismatch { manifest, signature } => format!(
                "manifest.csv names key {manifest}, but the signature is by key {signature}."
            ),
            B::UnknownFormat { found } => format!(
                "the bundle is in format \"{found}\", which this tothon cannot read; update tothon."
            ),
            B::HashMismatch { file } => {
                format!("{file} was changed: its SHA-256 does not match manifest.csv.")
            }
            B::RowCount {
                file,
                declared,
                found,
            } => format!("{file} has {found} data rows; manifest.csv says {declared}."),
            B::Cell {
                file,
                row,
                column,
                problem,
            } => format!(
                "{}: {}",
                place(lang, file, *row, column.as_deref()),
                cell_en(problem)
            ),
            B::WrongId { file, row } => format!(
                "{}: the version id does not match the content (the row was edited).",
                place(lang, file, *row, Some("id"))
            ),
            B::Unwritable { detail } => format!("the bundle could not be written ({detail})."),
        },
    }
}

fn cell_vi(p: &CellProblem) -> String {
    match p {
        CellProblem::NoBom => "tệp không bắt đầu bằng dấu BOM UTF-8 mà tothon ghi.".into(),
        CellProblem::Malformed(d) => format!("dòng CSV bị hỏng ({d})."),
        CellProblem::Header { expected } => format!("tiêu đề cột lẽ ra là «{expected}»."),
        CellProblem::Cells { expected, found } => {
            format!("dòng có {found} ô, lẽ ra {expected}.")
        }
        CellProblem::NotNfc => "chữ không ở dạng Unicode dựng sẵn (NFC) như tothon lưu.".into(),
        CellProblem::ControlCharacter => "ô chứa ký tự điều khiển.".into(),
        CellProblem::TooLong { max } => format!("ô dài quá {max} ký tự."),
        CellProblem::BadEscape => {
            "dấu ' ở đầu ô không đúng quy ước chống công thức của tothon.".into()
        }
        CellProblem::Empty => "ô bị để trống.".into(),
        CellProblem::NotValid => "giá trị không đúng dạng của cột này.".into(),
        CellProblem::WrongForm { file_form } => {
            format!("phiên bản không thuộc mẫu phiếu {file_form} của tệp này.")
        }
        CellProblem::UnknownForm => "không có mẫu phiếu này.".into(),
        CellProblem::NotAFieldOfForm { form } => {
            format!("mẫu phiếu {form} không có trường này.")
        }
        CellProblem::Duplicate => "mã này xuất hiện hai lần trong gói.".into(),
        CellProblem::OutOfOrder => {
            "dòng không theo thứ tự tothon ghi (theo hồ sơ, thời gian, mã).".into()
        }
        CellProblem::UnexpectedRow { expected } => format!("lẽ ra là dòng «{expected}»."),
        CellProblem::MissingRow { expected } => format!("thiếu dòng «{expected}»."),
        CellProblem::Listing { name } => {
            format!("danh sách tệp không đúng ở «{name}».")
        }
    }
}

fn cell_en(p: &CellProblem) -> String {
    match p {
        CellProblem::NoBom => "the file does not start with the UTF-8 BOM tothon writes.".into(),
        CellProblem::Malformed(d) => format!("the CSV row is broken ({d})."),
        CellProblem::Header { expected } => format!("the column header should be \"{expected}\"."),
        CellProblem::Cells { expected, found } => {
            format!("the row has {found} cells instead of {expected}.")
        }
        CellProblem::NotNfc => {
            "the text is not in the precomposed (NFC) form tothon stores.".into()
        }
        CellProblem::ControlCharacter => "the cell holds a control character.".into(),
        CellProblem::TooLong { max } => format!("the cell is longer than {max} characters."),
        CellProblem::BadEscape => {
            "the leading ' does not follow tothon's formula-guard rule.".into()
        }
        CellProblem::Empty => "the cell is empty.".into(),
        CellProblem::NotValid => "the value is not what this column holds.".into(),
        CellProblem::WrongForm { file_form } => {
            format!("the version is not of form {file_form}, which this file holds.")
        }
        CellProblem::UnknownForm => "there is no such form.".into(),
        CellProblem::NotAFieldOfForm { form } => format!("form {form} has no such field."),
        CellProblem::Duplicate => "this id appears twice in the bundle.".into(),
        CellProblem::OutOfOrder => {
            "the row is out of the order tothon writes (by case, time, id).".into()
        }
        CellProblem::UnexpectedRow { expected } => {
            format!("this should be the \"{expected}\" row.")
        }
        CellProblem::MissingRow { expected } => format!("the \"{expected}\" row is missing."),
        CellProblem::Listing { name } => format!("the file list is wrong at \"{name}\"."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn a_row_refusal_names_file_row_and_column_in_both_languages() {
        let r = Rejection {
            file: PathBuf::from("/x/team3-T3AB12-to-commune-0002.zip"),
            refusal: Refusal::Format(BundleError::Cell {
                file: "activation.csv".into(),
                row: 12,
                column: Some("phone".into()),
                problem: CellProblem::NotNfc,
            }),
            kept: Some(PathBuf::from(
                "/data/rejected/team3-T3AB12-to-commune-0002.zip",
            )),
        };
        let vi = rejection(Lang::Vi, &r);
        assert!(
            vi.contains("tệp activation.csv, dòng 12, cột phone (Số điện thoại)"),
            "{vi}"
        );
        assert!(vi.contains("Gói team3-T3AB12-to-commune-0002.zip"), "{vi}");
        assert!(vi.contains("/data/rejected/"), "{vi}");
        assert!(!vi.contains('\n'));
        let en = rejection(Lang::En, &r);
        assert!(
            en.contains("activation.csv, row 12, column phone (Phone number)"),
            "{en}"
        );
    }

    #[test]
    fn a_logged_refusal_is_told_in_the_readers_language_and_an_older_one_as_it_was() {
        let entry = ImportEntry {
            refusal: Refusal::Format(BundleError::Repacked).logged(),
            ..ImportEntry::default()
        };
        assert_eq!(
            logged_refusal(Lang::Vi, &entry),
            "tệp zip đã bị thay đổi sau khi tothon ghi."
        );
        assert_eq!(
            logged_refusal(Lang::En, &entry),
            "the zip was changed after tothon wrote it."
        );
        // As an older tothon logged it: the sentence shown then.
        let older: ImportEntry = serde_json::from_str(
            r#"{"file":"a.zip","sender":"","sequence":0,"received_at":"2026-11-26T10:00:00+07:00","accepted":false,"detail":"tệp zip đã bị thay đổi sau khi tothon ghi."}"#,
        )
        .unwrap();
        assert_eq!(older.refusal, None);
        for lang in [Lang::Vi, Lang::En] {
            assert_eq!(
                logged_refusal(lang, &older),
                "tệp zip đã bị thay đổi sau khi tothon ghi."
            );
        }
    }
}
