//! Why a key, exchange or resolve command failed, as one sentence in the
//! user's language. A refused bundle's sentence is `refusal`'s.

use super::format::format_error;
use super::refusal::rejection;
use crate::bundle::key::KeyError;
use crate::domain::resolve::ResolveError;
use crate::domain::text::printable;
use crate::i18n::Lang;
use crate::ops::exchange::ExchangeError;

/// An exchange error in `lang`, made printable as a whole (see
/// `i18n::error`).
pub fn exchange_error(lang: Lang, e: &ExchangeError) -> String {
    let sentence = match lang {
        Lang::Vi => exchange_vi(e),
        Lang::En => exchange_en(e),
    };
    printable(&sentence, usize::MAX)
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
        KeyError::ShortPassphrase { min } => format!(
            "Mật khẩu quá ngắn: cần ít nhất {min} ký tự (một câu ngắn dễ nhớ là tốt nhất); chưa tạo gì."
        ),
        KeyError::CommonPassphrase => "Mật khẩu này quá phổ biến, ai cũng đoán được; chọn mật khẩu khác (một câu ngắn dễ nhớ là tốt nhất). Chưa tạo gì.".into(),
        KeyError::NotAnAgeKey(d) => format!(
            "Dòng khoá mã hoá (age1…) trong tệp khoá không đúng ({d})."
        ),
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
        KeyError::ShortPassphrase { min } => format!(
            "The passphrase is too short: it needs at least {min} characters (a short sentence is best); nothing was made."
        ),
        KeyError::CommonPassphrase => "This passphrase is one of the most common ones, easy to guess; choose another (a short sentence is best). Nothing was made.".into(),
        KeyError::NotAnAgeKey(d) => format!(
            "The key file's encryption key line (age1…) is not an age public key ({d})."
        ),
    }
}

fn exchange_vi(e: &ExchangeError) -> String {
    match e {
        ExchangeError::Store(s) => crate::i18n::vi::store_error(s),
        ExchangeError::NoKey => "Máy này chưa có khoá ký; tạo bằng «tothon key new».".into(),
        ExchangeError::KeyExists { id } => format!(
            "Máy này đã có khoá ký {id}; muốn thay bằng khoá mới thì thêm --replace (xã và các tổ phải tin cậy lại khoá mới)."
        ),
        ExchangeError::Key(k) => key_vi(k),
        ExchangeError::NoPassphrase { variable } => format!(
            "Cần mật khẩu của máy này: đặt biến {variable}, hoặc chạy lệnh trong cửa sổ dòng lệnh để nhập."
        ),
        ExchangeError::PassphrasesDiffer => {
            "Hai lần nhập mật khẩu không giống nhau; chưa tạo gì.".into()
        }
        ExchangeError::PublicKeyFile { path, error } => {
            format!("{}: {}", printable(&path.display().to_string(), 400), key_vi(error))
        }
        ExchangeError::TeamNeeded => {
            "Trên máy xã, cần cho biết khoá này của tổ nào: tothon trust --team N TỆP.pub".into()
        }
        ExchangeError::NoTeamHere => "Máy của tổ chỉ tin cậy khoá của xã: bỏ --team.".into(),
        ExchangeError::NoSuchTeam { team } => format!("Xã này không có tổ {team}."),
        ExchangeError::OwnKey => "Đây là khoá của chính máy này, không cần tin cậy.".into(),
        ExchangeError::UnknownKey { key_id } => format!(
            "Không có khoá {key_id} trong danh sách khoá tin cậy; xem danh sách bằng «tothon key list»."
        ),
        ExchangeError::Rejected(r) => rejection(Lang::Vi, r),
        ExchangeError::File { path, detail } => {
            format!("Không ghi/đọc được tệp {}: {}.", printable(&path.display().to_string(), 400), printable(detail, 400))
        }
        ExchangeError::NotExported { path, detail } => format!(
            "Không ghi được gói {} ({}); chưa xuất gói nào, số thứ tự gói chưa bị dùng.",
            printable(&path.display().to_string(), 400),
            printable(detail, 400)
        ),
        ExchangeError::SequenceTaken => {
            "Trong lúc ghi gói, một lần xuất khác đã dùng số thứ tự của gói; chưa xuất gói nào, hãy xuất lại.".into()
        }
        ExchangeError::Unwritable(e) => {
            format!("Không ghi được gói: {}", format_error(Lang::Vi, e))
        }
        ExchangeError::Locked => {
            "Gói được mã hoá: cần mật khẩu khoá của máy này để đọc; chưa nhận gì.".into()
        }
        ExchangeError::RevokedKey { key_id, revoked_at } => format!(
            "Khoá {key_id} đã bị thu hồi lúc {revoked_at}; chưa tin cậy lại. Nếu thật sự muốn tin cậy lại khoá này (mọi gói nó ký sẽ lại được nhận), chạy lại lệnh với --again."
        ),
        ExchangeError::Exists { path } => format!(
            "Tệp {} đã có; không ghi đè. Hãy chọn tên tệp khác.",
            path.display()
        ),
        ExchangeError::BackupUnreadable { file, detail } => format!(
            "Bản sao lưu {} không mở được ({detail}); dữ liệu hiện tại không bị thay đổi. Hãy chọn bản sao lưu khác.",
            file.display()
        ),
        ExchangeError::BackupOfAnotherDevice { backup, here } => format!(
            "Bản sao lưu này là của máy {backup}, không phải của máy này ({here}); chưa khôi phục gì."
        ),
        ExchangeError::BackupDamaged(c) => format!(
            "Bản sao lưu bị hỏng: {} dòng không đọc được (đầu tiên: {}); dữ liệu hiện tại không bị thay đổi. Hãy chọn bản sao lưu khác.",
            c.damaged_count,
            first_damaged(Lang::Vi, c)
        ),
        ExchangeError::Damaged(c) => format!(
            "Dữ liệu của máy này bị hỏng: {} dòng không đọc được (đầu tiên: {}), nên không được mở. Hãy khôi phục bản sao lưu gần nhất bằng «tothon restore TỆP» (bản sao lưu tự động nằm trong thư mục backups cạnh tệp dữ liệu).",
            c.damaged_count,
            first_damaged(Lang::Vi, c)
        ),
    }
}

/// The first damaged row a check found, as the terminal may show it.
fn first_damaged(lang: Lang, c: &crate::store::Checked) -> String {
    c.damaged
        .first()
        .map(|(what, row)| {
            let what = match lang {
                Lang::Vi => crate::i18n::vi::store_part(what),
                Lang::En => what,
            };
            crate::domain::text::printable(&format!("{what} {row}"), 80)
        })
        .unwrap_or_default()
}

fn exchange_en(e: &ExchangeError) -> String {
    match e {
        ExchangeError::Store(s) => crate::i18n::en::store_error(s),
        ExchangeError::NoKey => "This device has no signing key yet; make one with `tothon key new`.".into(),
        ExchangeError::KeyExists { id } => format!(
            "This device already has signing key {id}; add --replace to make a new one (the commune and teams must then trust the new key)."
        ),
        ExchangeError::Key(k) => key_en(k),
        ExchangeError::NoPassphrase { variable } => format!("This device's passphrase is needed: set {variable}, or run the command in a terminal to type it."),
        ExchangeError::PassphrasesDiffer => "The two passphrases differ; nothing was made.".into(),
        ExchangeError::PublicKeyFile { path, error } => {
            format!("{}: {}", printable(&path.display().to_string(), 400), key_en(error))
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
            format!("Could not read/write {}: {}.", printable(&path.display().to_string(), 400), printable(detail, 400))
        }
        ExchangeError::NotExported { path, detail } => format!(
            "Bundle {} could not be written ({}); no bundle was exported and no sequence number was used.",
            printable(&path.display().to_string(), 400),
            printable(detail, 400)
        ),
        ExchangeError::SequenceTaken => "Another export took the bundle's sequence number while it was being written; no bundle was exported, export again.".into(),
        ExchangeError::Unwritable(e) => format!("The bundle could not be written: {}", format_error(Lang::En, e)),
        ExchangeError::Locked => "The bundle is encrypted: this device's passphrase is needed to read it; nothing was imported.".into(),
        ExchangeError::RevokedKey { key_id, revoked_at } => format!(
            "Key {key_id} was revoked at {revoked_at}; it was not trusted again. To trust it again on purpose (every bundle it signs will be taken again), run the command again with --again."
        ),
        ExchangeError::Exists { path } => format!(
            "{} already exists; it was not overwritten. Choose another file name.",
            path.display()
        ),
        ExchangeError::BackupUnreadable { file, detail } => format!(
            "The backup {} does not open ({detail}); the data here was not changed. Choose another backup.",
            file.display()
        ),
        ExchangeError::BackupOfAnotherDevice { backup, here } => format!(
            "This backup is device {backup}'s, not this device's ({here}); nothing was restored."
        ),
        ExchangeError::BackupDamaged(c) => format!(
            "The backup is damaged: {} rows do not read (the first: {}); the data here was not changed. Choose another backup.",
            c.damaged_count,
            first_damaged(Lang::En, c)
        ),
        ExchangeError::Damaged(c) => format!(
            "This device's data is damaged: {} rows do not read (the first: {}), so it was not opened. Restore the latest backup with `tothon restore FILE` (automatic backups are in the backups folder beside the data file).",
            c.damaged_count,
            first_damaged(Lang::En, c)
        ),
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
