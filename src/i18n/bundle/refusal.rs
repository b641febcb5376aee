//! Why a bundle was refused, in one line naming the bundle, the reason and
//! where it was set aside: the sender's refusals, a row's, and the note kept
//! beside a refused bundle. A file that is not a bundle is `format`'s.

use std::path::Path;

use super::format::{format_error, place};
use super::say::{party, team_or_commune};
use crate::domain::admit::{RowRefusal, SenderRefusal};
use crate::domain::commune::Role;
use crate::domain::text::printable;
use crate::i18n::{Lang, problems};
use crate::ops::exchange::{Refusal, Rejection};
use crate::store::ImportEntry;

/// A bundle's file name as messages show it: a hostile name (with line
/// breaks or terminal escapes) is shown escaped, not obeyed.
fn name_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    printable(&name, 200)
}

/// One line: which bundle, why, and where it was kept.
pub fn rejection(lang: Lang, r: &Rejection) -> String {
    let name = name_of(&r.file);
    let why = refusal(lang, &r.refusal);
    match (lang, &r.kept) {
        (Lang::Vi, Some(kept)) => format!(
            "Gói {name} không dùng được: {why} Chưa nhận gì vào dữ liệu; gói được để riêng tại {}.",
            printable(&kept.display().to_string(), 400)
        ),
        (Lang::Vi, None) => {
            format!("Gói {name} không dùng được: {why} Chưa nhận gì vào dữ liệu.")
        }
        (Lang::En, Some(kept)) => format!(
            "Bundle {name} cannot be used: {why} Nothing was imported; the bundle was set aside in {}.",
            printable(&kept.display().to_string(), 400)
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
        None => printable(&entry.detail, usize::MAX),
    }
}

/// The reason a bundle was refused, as one or two sentences ending in a
/// stop, made printable as a whole: the bundle's own text in it (a record
/// id, a device, a commune's name, a reader's error) reaches no terminal
/// raw.
pub fn refusal(lang: Lang, r: &Refusal) -> String {
    printable(&unprintable_refusal(lang, r), usize::MAX)
}

fn unprintable_refusal(lang: Lang, r: &Refusal) -> String {
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
        (Lang::Vi, RowRefusal::NotMinter { record, minter }) => format!(
            "{at}: mã {record} do máy {minter} tạo; tổ chỉ được mở trường hợp mới bằng mã do chính máy mình tạo."
        ),
        (Lang::En, RowRefusal::NotMinter { record, minter }) => format!(
            "{at}: id {record} is one device {minter} makes; a team opens new cases only under ids its own device made."
        ),
        (Lang::Vi, RowRefusal::NoSuchItem { record }) => format!(
            "{at}: {record} có dạng mã việc do xã giao, nhưng xã không có việc nào mang mã này; tổ không tự tạo mã việc của xã."
        ),
        (Lang::En, RowRefusal::NoSuchItem { record }) => format!(
            "{at}: {record} has the shape of a work item's id, but the commune has no such work item; a team does not make the commune's ids."
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
            crate::i18n::status(Lang::Vi, *status),
            crate::i18n::status(Lang::Vi, *expected)
        ),
        (Lang::En, RowRefusal::WrongStatus { status, expected }) => format!(
            "{at}: the status \"{}\" does not match the form's content (it should be \"{}\").",
            crate::i18n::status(Lang::En, *status),
            crate::i18n::status(Lang::En, *expected)
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
        (Lang::Vi, SenderRefusal::CommuneSpelling { bundle, here }) => format!(
            "gói ghi tên xã «{bundle}», khác cách viết «{here}» của xã. Máy tổ tự lấy đúng tên xã khi nhận gói của xã: nhập gói mới nhất của xã vào máy tổ, rồi xuất gói lại."
        ),
        (Lang::En, SenderRefusal::CommuneSpelling { bundle, here }) => format!(
            "the bundle names the commune \"{bundle}\", not \"{here}\" as the commune spells it. A team device takes the commune's spelling from the commune's bundle: import the commune's latest bundle on the team device, then export again."
        ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{BundleError, CellProblem};
    use std::path::PathBuf;

    /// Where a hostile bundle was kept ends in its own name: that path is
    /// shown escaped in both languages, never obeyed by the terminal.
    #[test]
    fn a_hostile_name_reaches_no_terminal_in_either_language() {
        let hostile = "team3-\u{1b}]0;pwned\u{7}\n\u{202e}.zip";
        let r = Rejection {
            file: PathBuf::from(format!("/x/{hostile}")),
            refusal: Refusal::Format(BundleError::BadSignature),
            kept: Some(PathBuf::from(format!("/data/rejected/{hostile}"))),
        };
        for lang in [Lang::Vi, Lang::En] {
            let line = rejection(lang, &r);
            assert!(
                !line.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{line:?}"
            );
            assert!(line.contains("\\u{1b}"), "shown escaped: {line}");
        }
    }

    /// The bundle's own text in a refusal (here the commune it names, and
    /// a reader's error quoting the file) is shown escaped, never obeyed.
    #[test]
    fn a_bundles_own_text_in_a_refusal_reaches_no_terminal_raw() {
        let hostile = "Xã \u{1b}]0;pwned\u{7}\u{202e}";
        for r in [
            Refusal::Sender(SenderRefusal::OtherCommune {
                bundle: hostile.into(),
                here: "Xã Tân Phong".into(),
            }),
            Refusal::Unreadable {
                detail: hostile.into(),
            },
        ] {
            for lang in [Lang::Vi, Lang::En] {
                let line = refusal(lang, &r);
                assert!(
                    !line.chars().any(|c| c.is_control() || c == '\u{202e}'),
                    "{line:?}"
                );
                assert!(line.contains("\\u{1b}]0;pwned"), "{line}");
            }
        }
    }

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
