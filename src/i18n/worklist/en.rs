//! The work-list import's sentences in English.

use super::*;

pub(super) fn delimiter_en(d: u8) -> &'static str {
    match d {
        b';' => "semicolons (;)",
        b'\t' => "tabs",
        _ => "commas (,)",
    }
}

pub(super) fn encoding_en(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf8Bom => "UTF-8 with BOM",
        Encoding::Utf16Le => "UTF-16 LE",
        Encoding::Utf16Be => "UTF-16 BE",
        Encoding::Windows1258 => "Windows-1258 (the Vietnamese Windows code page)",
    }
}

pub(super) fn say_en(s: &Say) -> String {
    let lang = Lang::En;
    match s {
        Say::Source {
            encoding,
            delimiter,
            header_row,
        } => format!(
            "File in {}, columns separated by {}, header on row {header_row}.",
            encoding_en(*encoding),
            delimiter_en(*delimiter)
        ),
        Say::Form(FormSource::Register) => {
            "Population register: each row is one person of one household.".into()
        }
        Say::Workbook { source, header_row } => match others(source).as_slice() {
            [] => format!(
                "{} workbook, sheet \"{}\", header on row {header_row}.",
                workbook_name(source.format),
                sheet_name(&source.sheet)
            ),
            rest => format!(
                "{} workbook, sheet \"{}\" (other sheets: {}; choose with --sheet), header on row {header_row}.",
                workbook_name(source.format),
                sheet_name(&source.sheet),
                quoted_list(rest, lang)
            ),
        },
        Say::Form(FormSource::Given { form }) => {
            format!("Form: {} (from --form).", form_label(form, lang))
        }
        Say::Form(FormSource::Inferred {
            form,
            column: Some(column),
        }) => format!(
            "Form: {}, recognised from the column \"{column}\".",
            form_label(form, lang)
        ),
        Say::Form(FormSource::Inferred { form, column: None }) => format!(
            "Form: {}, the only form these columns can fill.",
            form_label(form, lang)
        ),
        Say::Form(FormSource::Column {
            column,
            fallback: Some(form),
        }) => format!(
            "Form: from each row's \"{column}\" column; rows leaving it empty are {}.",
            form_label(form, lang)
        ),
        Say::Form(FormSource::Column {
            column,
            fallback: None,
        }) => format!(
            "Form: from each row's \"{column}\" column; rows leaving it empty cannot be imported."
        ),
        Say::ColumnsTitle => "Columns read:".into(),
        Say::Mapped {
            header,
            index,
            role,
        } => format!(
            "  \"{}\" (column {}) → {}",
            header_text(header, lang),
            column_letter(*index),
            role_label(role, lang)
        ),
        Say::Unknown { header, index } => format!(
            "  \"{}\" (column {}): not understood, ignored.",
            header_text(header, lang),
            column_letter(*index)
        ),
        Say::Unused {
            header,
            index,
            form,
        } => format!(
            "  \"{}\" (column {}): not used by the {} form, ignored.",
            header_text(header, lang),
            column_letter(*index),
            form::form(form)
                .map(|s| s.short.en.as_str())
                .unwrap_or(form)
        ),
        Say::Summary {
            register: true,
            read,
            new,
            duplicates,
            blank,
            not_data,
            problems,
            ..
        } => match not_data {
            0 => format!(
                "Read {read} rows: {new} people read, {duplicates} repeated in the file, {blank} blank, {problems} with problems (not imported)."
            ),
            not_data => format!(
                "Read {read} rows: {new} people read, {duplicates} repeated in the file, {blank} blank, {not_data} after the list that are not data, {problems} with problems (not imported)."
            ),
        },
        Say::Summary {
            register: false,
            read,
            new,
            already,
            duplicates,
            blank,
            not_data,
            problems,
        } => match not_data {
            0 => format!(
                "Read {read} rows: {new} new items, {already} already on the list, {duplicates} repeated in the file, {blank} blank, {problems} with problems (not imported)."
            ),
            not_data => format!(
                "Read {read} rows: {new} new items, {already} already on the list, {duplicates} repeated in the file, {blank} blank, {not_data} after the list that are not data, {problems} with problems (not imported)."
            ),
        },
        Say::TableTitle { register: false } => "New items by village and form:".into(),
        Say::TableTitle { register: true } => "People read, by village:".into(),
        Say::VillageHeading => "Village".into(),
        Say::Total => "Total".into(),
        Say::VillageName { name, team } => format!("{name} (team {team})"),
        Say::ProblemsTitle { count } => format!("Rows with problems, not imported ({count}):"),
        Say::Row { row, text } => format!("  Row {row}: {text}"),
        Say::Villages { names } => format!("  The commune's villages: {names}."),
        Say::FixHint { count } => format!(
            "  {count} of these rows can be repaired by putting the leading zeros back: check them, then run again with --fix-leading-zeros."
        ),
        Say::FixesTitle { count } => {
            format!("Leading zeros put back with --fix-leading-zeros ({count} cells):")
        }
        Say::Fix(f) => format!(
            "  Row {}: {} {} → {}",
            f.row,
            field_label(Some(&f.form), &f.field, lang),
            f.found,
            f.fixed
        ),
        Say::WarningsTitle { count } => format!(
            "Warnings ({count}; imported all the same, the team confirms or corrects them when saving):"
        ),
        Say::FilledTitle { count } => {
            format!("Empty cells filled with the value above them (--fill-down, {count} cells):")
        }
        Say::Filled(f) => format!(
            "  Row {}, column {} \"{}\": \"{}\"",
            f.row,
            column_letter(f.column),
            header_text(&f.header, lang),
            f.value
        ),
        Say::FillHint { count } => format!(
            "{count} rows leave the village, team, household code, address or head of household empty just below a filled cell (merged cells in Excel, usually): check them, then run again with --fill-down to fill them from the row above."
        ),
        Say::NotDataTitle { count } => {
            format!("Lines after the list that are not data, not imported ({count}):")
        }
        Say::NotData(r) => format!("  Row {}: {} \"{}\"", r.row, not_data_en(r.kind), r.text),
        Say::ShorthandsTitle { count } => {
            format!("Choice cells written as a number, read as follows ({count} cells):")
        }
        Say::Shorthand(h) => format!(
            "  Row {}: {} \"{}\" → \"{}\"",
            h.row,
            field_label(Some(&h.form), &h.field, lang),
            h.found,
            form::choice_label(&h.form, &h.field, &h.choice, lang)
        ),
        Say::Duplicates { shown, more } => {
            let list: Vec<String> = shown
                .iter()
                .map(|d| format!("row {} (same as row {})", d.row, d.same_as))
                .collect();
            match more {
                0 => format!("Repeated in the file, skipped: {}.", list.join(", ")),
                more => format!(
                    "Repeated in the file, skipped: {} and {more} more.",
                    list.join(", ")
                ),
            }
        }
        Say::Already { shown, more } => {
            let list: Vec<String> = shown
                .iter()
                .map(|a| format!("row {} ({})", a.row, a.item))
                .collect();
            match more {
                0 => format!("Already on the list, skipped: {}.", list.join(", ")),
                more => format!(
                    "Already on the list, skipped: {} and {more} more.",
                    list.join(", ")
                ),
            }
        }
        Say::Nothing => "No new items to import; nothing written.".into(),
        Say::DryRun => "Dry run (--dry-run): nothing written.".into(),
        Say::Prompt { count } => format!("Import {count} items? (y/n) "),
        Say::Imported { count } => format!("Imported {count} new items into the list."),
        Say::NotImported => "Nothing imported.".into(),
        Say::Assigned {
            item,
            from,
            to,
            versions,
        } => {
            let mut line = format!("Work item {item} is now team {to}'s (it was team {from}'s).");
            if *versions > 0 {
                line.push_str(&format!(
                    " Its case ({versions} versions, saved by team {from}) goes with it and shows as a conflict until team {to} saves it."
                ));
            }
            line.push_str(&format!(
                " Team {from}'s list drops it with the next bundle; anything team {from} saved of it before then still comes in, as a conflict."
            ));
            line
        }
        Say::AlreadyAssigned { item, team } => {
            format!("Work item {item} is already team {team}'s; nothing changed.")
        }
    }
}

fn not_data_en(kind: NotData) -> &'static str {
    match kind {
        NotData::Total => "total",
        NotData::DateLine => "date line",
        NotData::Signature => "signature line",
        NotData::Note => "note",
        NotData::Signer => "signer's name",
    }
}

pub(super) fn problem_en(form: Option<&str>, p: &RowProblem) -> String {
    let label = |field: &str| field_label(form, field, Lang::En);
    match p {
        RowProblem::Field { field, kind } => {
            format!("{}: {}", label(field), problems::message(kind, Lang::En))
        }
        RowProblem::LostLeadingZero {
            field,
            found,
            suggested,
        } => format!(
            "{} \"{found}\" probably lost its leading zero in a spreadsheet; it is probably {suggested}.",
            label(field)
        ),
        RowProblem::ScientificNotation { field, found } => format!(
            "{} \"{found}\" was turned into scientific notation by a spreadsheet and lost digits; format the column as Text, type the number again and export again.",
            label(field)
        ),
        RowProblem::ExcelDateSerial {
            field,
            found,
            would_be,
        } => format!(
            "{} \"{found}\" is an Excel day number, not a dd/mm/yyyy date (perhaps {would_be}); format the column as Text and export again.",
            label(field)
        ),
        RowProblem::UnknownVillage { value } => {
            format!("The village \"{value}\" is not one of the commune's villages.")
        }
        RowProblem::NoVillage => "No village (or team) given.".into(),
        RowProblem::NoSuchTeam { value } => {
            format!("The team \"{value}\" is not one of the commune's teams.")
        }
        RowProblem::TeamMismatch {
            village,
            village_team,
            team,
        } => format!(
            "The village \"{village}\" is team {village_team}'s, but the team column says team {team}."
        ),
        RowProblem::UnknownForm { value } => format!(
            "There is no form \"{value}\"; the forms are {}.",
            form_names(Lang::En)
        ),
        RowProblem::NoForm => {
            "The form column is empty and there is no --form, so this row's form is unknown.".into()
        }
        RowProblem::BadDue { value, kind } => {
            format!(
                "Due date \"{value}\": {}",
                problems::message(kind, Lang::En)
            )
        }
        RowProblem::ExtraCells { count } => {
            format!("{count} cells with data lie outside the headed columns.")
        }
        RowProblem::Conflicting { same_as } => format!(
            "Same person or household as row {same_as} but with different details; keep one correct row."
        ),
        RowProblem::Unidentifiable => {
            "No usable household code or personal ID to tell this work apart.".into()
        }
    }
}

pub(super) fn error_en(e: &WorklistError) -> String {
    match e {
        WorklistError::TooBig { limit } => format!(
            "The file is larger than {} MB, which is not a work list; split it and import the parts. Nothing was imported.",
            limit / (1024 * 1024)
        ),
        WorklistError::NotUtf8 { row } => format!(
            "The file is not UTF-8 text (from row {row}); in Excel save it as \"CSV UTF-8\" or \"Unicode Text\" and import it again. Nothing was imported."
        ),
        WorklistError::Read { detail } => {
            format!("Could not read the file: {detail}. Nothing was imported.")
        }
        WorklistError::Empty => "The file is empty: no header row. Nothing was imported.".into(),
        WorklistError::NoKnownColumn { first_row } => format!(
            "No known column in the first rows of the file (first row: \"{first_row}\"); a header row with columns such as \"Full name\", \"Personal ID\", \"Village\" is needed. Nothing was imported."
        ),
        WorklistError::DuplicateColumn {
            role,
            first,
            second,
        } => format!(
            "The columns \"{first}\" and \"{second}\" are both \"{}\"; delete or rename one. Nothing was imported.",
            role_label(role, Lang::En)
        ),
        WorklistError::UnknownForm { form } => format!(
            "There is no form \"{form}\"; the forms are {}.",
            form_names(Lang::En)
        ),
        WorklistError::AmbiguousForm { candidates } if candidates.is_empty() => format!(
            "The file's columns are not enough for any form; name the form with --form ({}) or add a \"Form\" column. Nothing was imported.",
            form_names(Lang::En)
        ),
        WorklistError::AmbiguousForm { candidates } => format!(
            "Cannot tell which form this file is (it could be {}); name it with --form or add a \"Form\" column. Nothing was imported.",
            candidates
                .iter()
                .map(|f| format!("{} ({f})", form_label(f, Lang::En)))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        WorklistError::MissingColumns { form, fields } => format!(
            "The {} form needs the columns {} and the file has none; add them or fix their headers. Nothing was imported.",
            form_label(form, Lang::En),
            fields
                .iter()
                .map(|f| format!("\"{}\"", field_label(Some(form), f, Lang::En)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        WorklistError::NoVillageColumn => {
            "The file has no \"Village\" (or \"Team\") column, so no work can be given to a team. Nothing was imported."
                .into()
        }
        WorklistError::NotCommune { team } => format!(
            "This is team {team}'s computer; only the commune's computer imports work lists and assigns work."
        ),
        WorklistError::ListChanged => {
            "The work list changed since the preview; preview again, then import. Nothing was imported."
                .into()
        }
        WorklistError::NoSuchItem { id } => format!("There is no work item {id} on the list."),
        WorklistError::NeedsYes { count } => format!(
            "Nothing was imported: there is no keyboard to confirm on; run again with --yes to import {count} items."
        ),
        WorklistError::UnknownSheet { sheet, sheets } => format!(
            "The workbook has no sheet \"{}\"; its sheets are {}. Choose one with --sheet. Nothing was imported.",
            sheet_name(sheet),
            quoted_list(sheets, Lang::En)
        ),
        WorklistError::Encrypted => "The workbook is protected with a password: open it in Excel, save it without a password and import it again. Nothing was imported.".into(),
        WorklistError::Unreadable {
            format: Some(format),
            detail,
        } => format!(
            "The {} workbook cannot be read: it is damaged or not what it seems ({detail}); open it in Excel, save it as .xlsx and import it again. Nothing was imported.",
            workbook_name(*format)
        ),
        WorklistError::Unreadable {
            format: None,
            detail,
        } => format!(
            "The file cannot be read: it is a damaged zip ({detail}); open it in Excel, save it as .xlsx and import it again. Nothing was imported."
        ),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Xlsb,
        } => "This is an Excel binary workbook (.xlsb), which tothon does not read: save it as .xlsx and import that. Nothing was imported.".into(),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Zip,
        } => "This file is a zip but not an .xlsx or .ods workbook: choose the list's own file. Nothing was imported.".into(),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Compound,
        } => "This is an old Office document but not an Excel workbook (.xls): choose the list's own file. Nothing was imported.".into(),
        WorklistError::TooManyRows { limit } => format!(
            "A sheet of the workbook has more than {limit} rows, which is not a work list; split it and import the parts. Nothing was imported."
        ),
        WorklistError::TooManyCells { limit } => format!(
            "The workbook's sheets span more than {limit} cells (empty cells between filled ones included), which is not a work list; copy the list alone into a new workbook and import that. Nothing was imported."
        ),
        WorklistError::UnpacksTooBig { limit } => format!(
            "The workbook unpacks to more than {} MB, which is not a work list. Nothing was imported.",
            limit / (1024 * 1024)
        ),
    }
}
