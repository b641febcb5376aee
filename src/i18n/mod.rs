//! Every text a user sees, one place per language (`vi.rs`, `en.rs`).
//! Code asks for a [`Text`] or renders an error; it never assembles sentences
//! from fragments.

pub mod bundle;
mod en;
pub mod forms;
pub mod problems;
pub mod register;
pub mod report;
mod vi;
pub mod worklist;

use crate::error::Error;

pub use crate::domain::lang::Lang;

/// Fixed texts: labels, headings, short confirmations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    AppTitle,
    Commune,
    Team,
    Village,
    Cases,
    Record,
    Form,
    Status,
    Title,
    EditedAt,
    Author,
    Versions,
    Conflict,
    History,
    Field,
    Value,
    StatusDraft,
    StatusInProgress,
    StatusDone,
    StatusBlocked,
    StatusNeedsCorrection,
    StatusVoided,
    StageNotStarted,
    NotSetUpHint,
    NoCases,
    DemoReady,
    TooSmall,
    /// Long work under way that has not said how far it has got.
    Working,
    TypingOff,
    Typing,
    DraftKept,
    ConflictNotice,
    NothingToShow,
    LoadingList,
    Search,
    All,
    Due,
    SortBy,
    NoMatches,
    PickHint,
    /// The pick list's first line: leave the field empty.
    PickNone,
    NewCase,
    FirstVersion,
    NoChanges,
    Progress,
    Assigned,
    Total,
    BlockedBy,
    ChooseForm,
    ChooseVillage,
    FindPerson,
    FindPersonHint,
    FindHouseholdHint,
    Relation,
    Born,
    Household,
    HelpOpenFromRegister,
    HelpBlankForm,
    AlreadyCoveredKeys,
    WhoIsWorking,
    AddMember,
    LeaveFormQuestion,
    LeaveFormKeys,
    QuitQuestion,
    QuitKeys,
    OfferDraftQuestion,
    OfferDraftKeys,
    SaveAsDraftQuestion,
    SaveAsDraftKeys,
    ConfirmWarningsQuestion,
    ConfirmWarningsKeys,
    HelpTitle,
    MarkConflict,
    NotAFolder,
    CloseFormFirst,
    HelpRemoveMember,
    FollowUpsDue,
    BundleFolder,
    BundlePath,
    NoBundlesHere,
    HelpCompletePath,
    MarkDraft,
    MarkCorrection,
    HelpOpen,
    HelpCycleForm,
    HelpCycleStage,
    HelpCycleSort,
    HelpHistory,
    HelpProgress,
    HelpNewCase,
    HelpMove,
    HelpPage,
    HelpTopBottom,
    HelpSearchEdit,
    HelpClearSearch,
    HelpSave,
    HelpNextField,
    HelpPrevField,
    HelpFieldEnter,
    HelpCursor,
    HelpErase,
    HelpLeaveForm,
    HelpPick,
    HelpToggleChoice,
    HelpCancel,
    HelpPickVersion,
    HelpMarkVersion,
    HelpBack,
    HelpChooseMember,
    HelpConfirm,
    HelpDiscard,
    HelpHelp,
    HelpTyping,
    HelpQuit,
    Settings,
    ToneStyle,
    ToneClassic,
    ToneModern,
    HelpSettings,
    HelpChangeSetting,
    DaysShort,
    LastBundle,
    SuspectedWith,
    EidAccounts,
    DoneOverTime,
    DonePercent,
    Report,
    AsOf,
    Duplicates,
    NoDuplicates,
    SameId,
    SameNameAndBirth,
    HelpExport,
    HelpCharts,
    HelpReport,
    HelpDuplicates,
    HelpOpenCell,
    HelpPickCell,
    HelpSaveReport,
    /// The report's table by village does not fit the screen.
    ReportTableTooWide,
    HelpRecompute,
    HelpOpenHouseholdCheck,
    ImportRegister,
    HelpSettleDeleted,
    HelpSettleNotDuplicate,
    HelpSettleReferred,
    Unsettled,
    HelpWorkList,
    HelpScroll,
    Bundles,
    ReceivedAt,
    Sender,
    Result,
    StaleBundle,
    ImportsLog,
    ConflictHint,
    HelpBundles,
    HelpExportBundles,
    HelpImportBundle,
    Passphrase,
    PassphraseQuestion,
    Unlocking,
    DemoPassphrase,
    PassphraseKeys,
    HelpPickField,
    HelpPickHead,
    HelpSaveResolution,
    ColInProgress,
    ColNotStarted,
    ColBlocked,
    ColNeedsCorrection,
    ColConflicts,
    HelpReturnCase,
    Comment,
    ReturnQuestion,
    ReturnKeys,
    HelpVoidCase,
    VoidReason,
    VoidQuestion,
    VoidKeys,
    ImportWorklist,
    FilePath,
    FixLeadingZeros,
    ImportHint,
    HelpImport,
    HelpPreview,
    HelpDoImport,
    HelpFixZeros,
    Villages,
    VillagesHint,
    VillageName,
    RenameVillageQuestion,
    AddVillageQuestion,
    VillageNameKeys,
    HelpRenameVillage,
    HelpAddVillage,
    DueDate,
    NoWorkItems,
    FillDown,
    HelpFillDown,
    HelpNextSheet,
}

pub fn text(lang: Lang, t: Text) -> &'static str {
    match lang {
        Lang::Vi => vi::text(t),
        Lang::En => en::text(t),
    }
}

/// One plain sentence for an error, in the user's language.
/// An error as one sentence in `lang`. Like every sentence with values in
/// it (`msg`, `bundle::say`, a bundle's refusal), it is made printable as a
/// whole: a value from outside (a file name, a bundle's text, a damaged
/// store's detail) reaches no terminal raw, whichever sentence carries it.
pub fn error(lang: Lang, e: &Error) -> String {
    let sentence = match lang {
        Lang::Vi => vi::error(e),
        Lang::En => en::error(e),
    };
    // A refused form spec lists its problems one a line, each made
    // printable already.
    if let Error::FormSpec { .. } = e {
        return sentence;
    }
    crate::domain::text::printable(&sentence, usize::MAX)
}

/// Sentences with values in them.
#[derive(Clone, Debug)]
pub enum Msg<'a> {
    Saved {
        record: &'a str,
        status: &'a str,
    },
    SavedDraft {
        record: &'a str,
        problems: usize,
    },
    InitDone {
        dir: &'a str,
    },
    DemoBuilt {
        dir: &'a str,
        people: usize,
        cases: usize,
        teams: usize,
    },
    WarningsConfirmed {
        count: usize,
    },
    Exported {
        path: &'a str,
    },
    /// A form the commune added (`tothon form add`).
    FormAdded {
        label: &'a str,
        id: &'a str,
        version: u32,
        code: &'a str,
        fields: usize,
    },
    /// A report line's target set (`Some`) or taken away.
    Target {
        line: &'a str,
        target: Option<usize>,
    },
    /// A file written on purpose that holds citizens' personal data, in
    /// plain text (a spreadsheet for Excel).
    ExportedPersonal {
        path: &'a str,
    },
    /// Citizens' personal data printed to something other than a terminal
    /// (a file or another program), plain.
    PersonalToOutput,
    /// A backup written (by hand, or the day's first).
    BackedUp {
        path: &'a str,
    },
    /// The day's first backup, or the one after an export, failed.
    BackupFailed {
        why: &'a str,
    },
    /// A backup put in place of the store.
    Restored {
        versions: usize,
        kept: Option<&'a str>,
    },
    /// The whole check passed.
    CheckPassed {
        values: usize,
        versions: usize,
        repaired: bool,
        index_rebuilt: usize,
        latest_backup: Option<&'a str>,
    },
    Imported {
        count: usize,
    },
    /// The folder bundles last went to is not there (a USB stick out).
    LastFolderGone {
        path: &'a str,
    },
    /// New cases half-typed, kept as drafts, of these forms.
    NewCaseDrafts {
        forms: &'a str,
    },
    /// A name taken off "who is working".
    MemberRemoved {
        name: &'a str,
    },
    /// (The title) saves no bundle has carried yet.
    Unsent {
        count: u64,
    },
    VillageAdded {
        team: u8,
        name: &'a str,
    },
    VillageRenamed {
        team: u8,
        name: &'a str,
    },
    /// [`Msg::VillageAdded`] on the villages screen, whose hint says when
    /// the teams get the names: short enough for one line of 80 columns.
    ScreenVillageAdded {
        team: u8,
        name: &'a str,
    },
    /// [`Msg::VillageRenamed`] on the villages screen.
    ScreenVillageRenamed {
        team: u8,
        name: &'a str,
    },
    /// The workbook's sheet read, as the `at`-th of `of`.
    SheetRead {
        sheet: &'a str,
        at: usize,
        of: usize,
    },
}

pub fn msg(lang: Lang, m: &Msg) -> String {
    let sentence = match lang {
        Lang::Vi => vi::msg(m),
        Lang::En => en::msg(m),
    };
    crate::domain::text::printable(&sentence, usize::MAX)
}

/// ` (detail)`, or nothing for no detail.
pub(super) fn parenthesised(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({})", crate::domain::text::printable(detail, 200))
    }
}

/// The one line shown after a crash, with where the crash note is. When
/// the crash came from reading or writing the data file (`store`), the
/// data is not said to be safe: the file is checked first.
pub fn crash_sentence(lang: Lang, note: Option<&str>, store: bool) -> String {
    let (stopped, data, note_is) = match lang {
        Lang::Vi => (
            "tothon gặp lỗi và phải dừng",
            if store {
                "lỗi xảy ra khi đọc/ghi tệp dữ liệu, tệp có thể bị hỏng: hãy chạy «tothon check» trước khi làm việc tiếp"
            } else {
                "dữ liệu đã lưu không bị ảnh hưởng"
            },
            "Ghi chú sự cố ở {p} — hãy gửi tệp này cho người hỗ trợ.",
        ),
        Lang::En => (
            "tothon hit an error and had to stop",
            if store {
                "it happened while reading or writing the data file, which may be damaged: run `tothon check` before working on"
            } else {
                "saved data is not affected"
            },
            "A crash note is in {p}: please send it to whoever supports you.",
        ),
    };
    match note {
        Some(p) => format!("{stopped}; {data}. {}", note_is.replace("{p}", p)),
        None => format!("{stopped}; {data}."),
    }
}

/// The first problem of a save that was stopped, as a person reads it: the
/// field's label, the problem in words, and how many more problems there are.
fn blocked_parts(
    lang: Lang,
    form: &str,
    blocked: &crate::domain::save::Blocked,
) -> (String, String, usize) {
    let all = blocked.problems();
    let Some(first) = all.first() else {
        return (String::new(), String::new(), 0);
    };
    let label = crate::domain::form::form(form)
        .and_then(|spec| spec.field(&first.field))
        .map(|f| f.label.get(lang).to_string())
        .unwrap_or_else(|| first.field.clone());
    (label, problems::message(&first.kind, lang), all.len() - 1)
}

/// How far a case has got, as its line on the work list says it.
pub fn stage(lang: Lang, s: crate::domain::standing::Stage) -> &'static str {
    use crate::domain::standing::Stage;
    text(
        lang,
        match s {
            Stage::NotStarted => Text::StageNotStarted,
            Stage::InProgress => Text::StatusInProgress,
            Stage::Done => Text::StatusDone,
            Stage::Blocked => Text::StatusBlocked,
            Stage::NeedsCorrection => Text::StatusNeedsCorrection,
            Stage::Voided => Text::StatusVoided,
        },
    )
}

/// A progress table column's short header: eight numbers and a name must
/// fit in 80 columns.
pub fn progress_column(lang: Lang, c: crate::domain::progress::Column) -> &'static str {
    use crate::domain::progress::Column;
    match c {
        Column::Assigned => text(lang, Text::Assigned),
        Column::Done => text(lang, Text::StatusDone),
        Column::InProgress => text(lang, Text::ColInProgress),
        Column::NotStarted => text(lang, Text::ColNotStarted),
        Column::Blocked => text(lang, Text::ColBlocked),
        Column::NeedsCorrection => text(lang, Text::ColNeedsCorrection),
        Column::Conflicts => text(lang, Text::ColConflicts),
        Column::Percent => "%",
    }
}

/// A fixed column of a sheet written for people (`--format xlsx`), by the
/// name the CSV gives it; `None` for a form's field (its own label) or a
/// name this does not know.
pub fn sheet_column(lang: Lang, name: &str) -> Option<&'static str> {
    let (vi, en) = match name {
        "record" => ("Mã hồ sơ", "Record"),
        "item" => ("Mã việc", "Work item"),
        "form" => ("Biểu mẫu", "Form"),
        "team" => ("Tổ", "Team"),
        "village" => ("Thôn", "Village"),
        "due" => ("Hạn", "Due"),
        "status" => ("Trạng thái", "Status"),
        "stage" => ("Tiến độ", "Stage"),
        "conflict" => ("Xung đột", "Conflict"),
        "title" => ("Tên", "Name"),
        "edited_at" => ("Sửa ngày", "Edited on"),
        "author" => ("Người sửa", "Edited by"),
        "versions" => ("Số lần sửa", "Versions"),
        "head" => ("Phiên bản hiện tại (mã)", "Current version (id)"),
        "as_of" => ("Tính đến ngày", "As of"),
        "key" => ("Chỉ tiêu (mã)", "Indicator (code)"),
        "value" => ("Số", "Number"),
        "of" => ("Trên tổng số", "Out of"),
        "percent" => ("Tỉ lệ", "Share"),
        "sentence" => ("Nội dung", "Line"),
        "why" => ("Lý do nghi trùng", "Why suspected"),
        "person_id_1" => ("Số định danh (1)", "Personal ID (1)"),
        "name_1" => ("Họ và tên (1)", "Full name (1)"),
        "birth_1" => ("Ngày sinh (1)", "Birth date (1)"),
        "household_1" => ("Mã hộ (1)", "Household (1)"),
        "village_1" => ("Thôn (1)", "Village (1)"),
        "person_id_2" => ("Số định danh (2)", "Personal ID (2)"),
        "name_2" => ("Họ và tên (2)", "Full name (2)"),
        "birth_2" => ("Ngày sinh (2)", "Birth date (2)"),
        "household_2" => ("Mã hộ (2)", "Household (2)"),
        "village_2" => ("Thôn (2)", "Village (2)"),
        "key_1" => ("Mã trong sổ (1)", "Register key (1)"),
        "key_2" => ("Mã trong sổ (2)", "Register key (2)"),
        "resolution" => ("Kết quả xử lý", "Resolution"),
        "case" => ("Hồ sơ xử lý", "Case"),
        _ => {
            use crate::domain::progress::COLUMNS;
            let column = COLUMNS.iter().find(|c| c.id() == name)?;
            return Some(progress_column(lang, *column)).map(|w| match w {
                "%" => match lang {
                    Lang::Vi => "Tỉ lệ xong",
                    Lang::En => "Share done",
                },
                w => w,
            });
        }
    };
    Some(match lang {
        Lang::Vi => vi,
        Lang::En => en,
    })
}

/// What a long piece of work is doing, for its progress line.
pub fn progress_step(lang: Lang, step: crate::progress::Step) -> &'static str {
    use crate::progress::Step;
    match (lang, step) {
        (Lang::Vi, Step::DemoPeople) => "Đang tạo dân cư của xã mẫu",
        (Lang::En, Step::DemoPeople) => "Making up the demo's people",
        (Lang::Vi, Step::ReadingFile) => "Đang đọc tệp (byte)",
        (Lang::En, Step::ReadingFile) => "Reading the file (bytes)",
        (Lang::Vi, Step::ReadingBundle) => "Đang đọc và kiểm tra gói tin",
        (Lang::En, Step::ReadingBundle) => "Reading and checking the bundle",
        (Lang::Vi, Step::WritingBundles) => "Đang ghi gói tin",
        (Lang::En, Step::WritingBundles) => "Writing the bundles",
        (Lang::Vi, Step::WritingTable) => "Đang ghi bảng (dòng)",
        (Lang::En, Step::WritingTable) => "Writing the table (rows)",
    }
}

/// A count as the reader writes it: 41.200 in Vietnamese, 41,200 in English.
pub fn number(lang: Lang, n: u64) -> String {
    let sep = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    out
}

/// "Có" or "Không" (yes or no), as a sheet for people writes it.
pub fn yes_no(lang: Lang, yes: bool) -> &'static str {
    match (lang, yes) {
        (Lang::Vi, true) => "Có",
        (Lang::Vi, false) => "Không",
        (Lang::En, true) => "Yes",
        (Lang::En, false) => "No",
    }
}

pub fn status(lang: Lang, s: crate::domain::version::Status) -> &'static str {
    use crate::domain::version::Status;
    text(
        lang,
        match s {
            Status::Draft => Text::StatusDraft,
            Status::InProgress => Text::StatusInProgress,
            Status::Done => Text::StatusDone,
            Status::Blocked => Text::StatusBlocked,
            Status::NeedsCorrection => Text::StatusNeedsCorrection,
            Status::Voided => Text::StatusVoided,
        },
    )
}

/// The forms a case can be opened of, by id, for the sentence that names
/// an unknown one.
fn form_ids() -> String {
    crate::domain::form::openable()
        .iter()
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The report's lines (a target can be set for any), by key.
fn report_lines() -> String {
    crate::domain::report::spec()
        .lines()
        .map(|l| l.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    /// A damaged store's detail can quote the damage itself: it is shown
    /// escaped in both languages, never obeyed by the terminal.
    #[test]
    fn a_damaged_stores_detail_reaches_no_terminal_raw() {
        let e = Error::Store(StoreError::Corrupt {
            what: "version",
            detail: "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}".into(),
        });
        for lang in [Lang::Vi, Lang::En] {
            let line = error(lang, &e);
            assert!(
                !line.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{line:?}"
            );
            assert!(line.contains("\\u{1b}]0;pwned"), "{line}");
        }
    }

    /// A disk failing under the store (an I/O error, a full disk, or redb
    /// refusing to write after one) is told as that, in one plain sentence
    /// saying what may not be saved and what is kept: never redb's own
    /// words ("Previous I/O error occurred. Please close and re-open the
    /// database.").
    #[test]
    fn a_failing_disk_is_told_in_one_plain_sentence() {
        let failures = [
            redb::StorageError::Io(std::io::Error::other("input/output error")),
            redb::StorageError::Io(std::io::ErrorKind::StorageFull.into()),
            redb::StorageError::PreviousIo,
        ];
        for failure in failures {
            let e = Error::Store(redb::CommitError::Storage(failure).into());
            assert!(matches!(e, Error::Store(StoreError::Disk(_))), "{e:?}");
            for (lang, disk) in [(Lang::Vi, "ổ đĩa"), (Lang::En, "disk")] {
                let line = error(lang, &e);
                assert!(line.to_lowercase().contains(disk), "{line}");
                let outside_brackets: String = line
                    .split('(')
                    .map(|p| p.rsplit(')').next().unwrap_or(""))
                    .collect();
                assert_eq!(outside_brackets.matches('.').count(), 1, "{line}");
                assert!(line.ends_with('.'), "{line}");
                assert!(
                    !line.contains("I/O error") && !line.contains("Previous"),
                    "{line}"
                );
            }
        }
    }
}
