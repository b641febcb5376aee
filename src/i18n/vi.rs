//! Vietnamese texts (the default language).

use super::{Lang, Msg, Text};
use crate::domain::commune::VillageProblem;
use crate::domain::save::Blocked;
use crate::domain::text::printable;
use crate::error::Error;
use crate::store::StoreError;

pub fn text(t: Text) -> &'static str {
    match t {
        Text::AppTitle => "tothon — Tổ công tác Đề án 06",
        Text::Commune => "Xã",
        Text::Team => "Tổ",
        Text::Village => "Thôn",
        Text::Cases => "Trường hợp",
        Text::Record => "Mã",
        Text::Form => "Mẫu phiếu",
        Text::Status => "Trạng thái",
        Text::Title => "Đối tượng",
        Text::EditedAt => "Sửa lúc",
        Text::Author => "Người nhập",
        Text::Versions => "Số lần lưu",
        Text::Conflict => "Xung đột",
        Text::History => "Lịch sử",
        Text::Field => "Trường",
        Text::Value => "Giá trị",
        Text::StatusDraft => "Nháp",
        Text::StatusInProgress => "Đang làm",
        Text::StatusDone => "Xong",
        Text::StatusBlocked => "Vướng mắc",
        Text::StatusNeedsCorrection => "Cần sửa",
        Text::StatusVoided => "Đã huỷ",
        Text::StageNotStarted => "Chưa làm",
        Text::NotSetUpHint => {
            "Máy này chưa được thiết lập. Chạy «tothon demo» để xem thử, hoặc «tothon init commune --name TÊN» / «tothon init team --team N --commune TÊN»."
        }
        Text::NoCases => "Chưa có trường hợp nào.",
        Text::DemoReady => "Xã mẫu đã sẵn sàng.",
        Text::Working => "Đang làm, xin chờ…",
        Text::TooSmall => "Cửa sổ quá nhỏ: hãy phóng to (ít nhất 40×10).",
        Text::TypingOff => "tắt",
        Text::Typing => "Gõ",
        Text::DraftKept => "Đã giữ bản nháp; mở lại trường hợp này để làm tiếp.",
        Text::ConflictNotice => {
            "Trường hợp này đang có xung đột; xã sẽ giải quyết. Đang hiện bản sửa mới nhất."
        }
        Text::NothingToShow => "Không có gì để hiện.",
        Text::LoadingList => "Đang mở danh sách việc…",
        Text::Search => "Tìm",
        Text::All => "Tất cả",
        Text::Due => "Hạn/Hẹn",
        Text::SortBy => "Xếp theo",
        Text::NoMatches => "Không có trường hợp nào khớp. Esc: xoá ô tìm, F3/F4: đổi bộ lọc.",
        Text::PickHint => "‹Enter hoặc gõ để chọn›",
        Text::PickNone => "(để trống)",
        Text::NewCase => "Mới",
        Text::FirstVersion => "Lần lưu đầu tiên",
        Text::NoChanges => "Không có thay đổi.",
        Text::Progress => "Tiến độ",
        Text::Assigned => "Giao",
        Text::Total => "Tổng",
        Text::BlockedBy => "Vướng mắc theo lý do",
        Text::ChooseForm => "Chọn mẫu phiếu cho trường hợp mới",
        Text::ChooseVillage => "Trường hợp này thuộc thôn nào?",
        Text::FindPerson => "Tìm người trong danh sách nhân khẩu",
        Text::FindPersonHint => "gõ tên, số định danh, mã hộ hoặc số điện thoại",
        Text::FindHouseholdHint => "chọn một người của hộ, hoặc gõ mã hộ",
        Text::Relation => "Quan hệ",
        Text::Born => "Ngày sinh",
        Text::Household => "Mã hộ",
        Text::HelpOpenFromRegister => "Lập phiếu cho người này",
        Text::HelpBlankForm => "Phiếu trống",
        Text::AlreadyCoveredKeys => {
            "Enter: mở phiếu đã có · Delete: bỏ qua, vẫn lập phiếu mới · Esc: quay lại"
        }
        Text::WhoIsWorking => "Ai đang làm việc?",
        Text::AddMember => "Thêm người",
        Text::LeaveFormQuestion => "Chưa lưu thay đổi",
        Text::LeaveFormKeys => "Enter: thoát, giữ bản nháp · Delete: bỏ thay đổi · Esc: ở lại",
        Text::QuitQuestion => "Thoát chương trình?",
        Text::QuitKeys => {
            "Phiếu đang mở chưa lưu sẽ được giữ làm bản nháp. Enter: thoát · Esc: ở lại"
        }
        Text::OfferDraftQuestion => "Có bản nháp chưa lưu của trường hợp này",
        Text::OfferDraftKeys => "Enter: dùng bản nháp · Delete: bỏ bản nháp",
        Text::SaveAsDraftQuestion => "Phiếu còn lỗi",
        Text::SaveAsDraftKeys => "Enter: lưu nháp, sửa sau · Esc: quay lại sửa",
        Text::ConfirmWarningsQuestion => "Cần xác nhận cảnh báo",
        Text::ConfirmWarningsKeys => "Enter: xác nhận đúng như vậy và lưu · Esc: quay lại sửa",
        Text::HelpTitle => "Phím tắt (F1)",
        Text::BundleFolder => "Thư mục gói",
        Text::BundlePath => "Gõ thư mục hoặc gói .zip (Tab điền tiếp)",
        Text::NoBundlesHere => "Không có gói .zip nào trong thư mục này.",
        Text::HelpCompletePath => "Điền tiếp đường dẫn",
        Text::FollowUpsDue => "Đến hẹn (hôm nay, quá hẹn)",
        Text::HelpRemoveMember => "Bỏ tên khỏi danh sách",
        Text::NotAFolder => "không có thư mục này",
        Text::CloseFormFirst => {
            "Hãy lưu hoặc đóng phiếu đang mở (Esc) rồi mới nhận gói; xuất gói (Ctrl+E) thì được ngay."
        }
        Text::MarkConflict => "xung đột: hai bản sửa khác nhau, xã chọn",
        Text::MarkDraft => "nháp chưa lưu (mở lại để lưu tiếp)",
        Text::MarkCorrection => "xã yêu cầu sửa (kèm lời nhắn của xã)",
        Text::HelpOpen => "Mở",
        Text::HelpCycleForm => "Lọc mẫu",
        Text::HelpCycleStage => "Lọc trạng thái",
        Text::HelpCycleSort => "Đổi cách xếp",
        Text::HelpHistory => "Lịch sử sửa",
        Text::HelpProgress => "Tiến độ",
        Text::HelpNewCase => "Trường hợp mới",
        Text::HelpMove => "Di chuyển",
        Text::HelpPage => "Lên/xuống một trang",
        Text::HelpTopBottom => "Đầu/cuối danh sách",
        Text::HelpSearchEdit => "Xoá ký tự tìm",
        Text::HelpClearSearch => "Xoá ô tìm",
        Text::HelpSave => "Lưu",
        Text::HelpNextField => "Ô sau",
        Text::HelpPrevField => "Ô trước",
        Text::HelpFieldEnter => "Chọn/ô sau",
        Text::HelpCursor => "Di chuyển con trỏ",
        Text::HelpErase => "Xoá",
        Text::HelpLeaveForm => "Thoát phiếu",
        Text::HelpPick => "Chọn",
        Text::HelpToggleChoice => "Đánh dấu (chọn nhiều)",
        Text::HelpCancel => "Huỷ",
        Text::HelpPickVersion => "Chọn lần lưu",
        Text::HelpMarkVersion => "Đánh dấu để so sánh",
        Text::HelpBack => "Quay lại",
        Text::HelpChooseMember => "Chọn",
        Text::HelpConfirm => "Đồng ý",
        Text::HelpDiscard => "Bỏ",
        Text::HelpHelp => "Trợ giúp",
        Text::HelpTyping => "Kiểu gõ",
        Text::Settings => "Cài đặt",
        Text::ToneStyle => "Kiểu đặt dấu",
        Text::ToneClassic => "òa, úy, thủy (như Unikey mặc định)",
        Text::ToneModern => "oà, uý, thuỷ (kiểu mới)",
        Text::HelpSettings => "Cài đặt",
        Text::HelpChangeSetting => "Đổi",
        Text::DaysShort => "ngày",
        Text::LastBundle => "Gói cuối",
        Text::SuspectedWith => "Nghi trùng với",
        Text::EidAccounts => "Tài khoản định danh",
        Text::DoneOverTime => "Số trường hợp xong theo thời gian",
        Text::DonePercent => "Tỉ lệ xong theo tổ",
        Text::Report => "Báo cáo",
        Text::AsOf => "Tính đến ngày (Enter để tính lại)",
        Text::Duplicates => "Công dân nghi trùng",
        Text::NoDuplicates => "Không phát hiện công dân nghi trùng.",
        Text::SameId => "Trùng số định danh ở hai hộ",
        Text::SameNameAndBirth => "Trùng họ tên và ngày sinh, khác số định danh",
        Text::HelpExport => "Xuất Excel",
        Text::HelpCharts => "Biểu đồ",
        Text::HelpReport => "Báo cáo",
        Text::HelpDuplicates => "Nghi trùng",
        Text::HelpOpenCell => "Xem danh sách",
        Text::HelpPickCell => "Chọn ô",
        Text::HelpSaveReport => "Lưu báo cáo",
        Text::ReportTableTooWide => {
            "Bảng rộng hơn màn hình: Ctrl+S lưu báo cáo (tệp .txt, .csv, .xlsx) để xem đủ."
        }
        Text::HelpRecompute => "Tính lại",
        Text::HelpOpenHouseholdCheck => "Mở phiếu kiểm tra hộ",
        Text::ImportRegister => "Nhập danh sách nhân khẩu từ tệp bảng tính",
        Text::HelpSettleDeleted => "Đã xoá phiếu trùng",
        Text::HelpSettleNotDuplicate => "Không trùng",
        Text::HelpSettleReferred => "Chuyển công an",
        Text::Unsettled => "chưa xử lý",
        Text::HelpWorkList => "Danh sách việc",
        Text::HelpScroll => "Cuộn",
        Text::ImportWorklist => "Nhập danh sách việc từ tệp bảng tính",
        Text::FilePath => "Đường dẫn tệp (bảng tính hoặc CSV)",
        Text::FixLeadingZeros => "Sửa số 0 đầu bị mất",
        Text::FillDown => "Điền ô trống do ô gộp (thôn, hộ) bằng giá trị ô bên trên",
        Text::ImportHint => {
            "Gõ hoặc dán đường dẫn tệp (.xlsx, .xls, .ods, .csv) rồi nhấn Enter để xem trước; chưa ghi gì cho đến khi nhấn Ctrl+S."
        }
        Text::HelpImport => "Nhập danh sách",
        Text::HelpPreview => "Xem trước",
        Text::HelpDoImport => "Nhập",
        Text::HelpFixZeros => "Sửa số 0 đầu",
        Text::Villages => "Thôn của xã",
        Text::VillagesHint => {
            "Số tổ là mã của thôn: đổi tên không chuyển trường hợp, việc hay số liệu nào. Các tổ nhận tên mới trong gói tiếp theo của xã."
        }
        Text::VillageName => "Tên thôn",
        Text::RenameVillageQuestion => "Đổi tên thôn",
        Text::AddVillageQuestion => "Thêm thôn (nhận số tổ tiếp theo)",
        Text::VillageNameKeys => "Gõ tên thôn · Enter: lưu · Esc: huỷ",
        Text::HelpRenameVillage => "Đổi tên",
        Text::HelpAddVillage => "Thêm thôn",
        Text::DueDate => "Hạn",
        Text::NoWorkItems => "Danh sách việc chưa có việc nào.",
        Text::HelpFillDown => "Điền ô gộp",
        Text::HelpNextSheet => "Trang khác của bảng tính",
        Text::HelpReturnCase => "Trả lại để sửa",
        Text::Comment => "Nội dung cần sửa",
        Text::ReturnQuestion => "Trả lại cho tổ để sửa",
        Text::ReturnKeys => "Gõ nội dung · Enter: gửi trong gói tới tổ · Esc: huỷ",
        Text::HelpVoidCase => "Huỷ phiếu lập nhầm",
        Text::VoidReason => "Lý do huỷ",
        Text::VoidQuestion => "Huỷ phiếu lập nhầm (lịch sử vẫn giữ đủ)",
        Text::VoidKeys => "Gõ lý do · Enter: huỷ phiếu · Esc: thôi",
        Text::ColInProgress => "Đang",
        Text::ColNotStarted => "Chưa",
        Text::ColBlocked => "Vướng",
        Text::ColNeedsCorrection => "Cần sửa",
        Text::ColConflicts => "X.đột",
        Text::Bundles => "Gói dữ liệu: xuất, nhận, nhật ký",
        Text::ReceivedAt => "Nhận lúc",
        Text::Sender => "Gửi từ",
        Text::Result => "Kết quả",
        Text::StaleBundle => "cũ hơn gói đã nhận",
        Text::ImportsLog => "Nhật ký nhận gói",
        Text::ConflictHint => {
            "↑↓ chọn trường · ←→ chọn phiên bản cho trường đó · Ctrl+S lưu bản đã giải quyết"
        }
        Text::HelpBundles => "Gói dữ liệu",
        Text::HelpExportBundles => "Xuất gói",
        Text::HelpImportBundle => "Nhận gói / mở thư mục",
        Text::Passphrase => "Mật khẩu của máy này",
        Text::PassphraseQuestion => "Mở dữ liệu của máy này",
        Text::Unlocking => "Đang mở khoá… (mất vài giây)",
        Text::DemoPassphrase => "(Xã mẫu: mật khẩu của mọi máy là «demo»)",
        Text::PassphraseKeys => "Gõ mật khẩu · Enter: mở · Esc: thoát",
        Text::HelpPickField => "Chọn trường",
        Text::HelpPickHead => "Chọn phiên bản",
        Text::HelpSaveResolution => "Lưu",
        Text::HelpQuit => "Thoát",
    }
}

pub fn error(e: &Error) -> String {
    match e {
        Error::Store(s) => store_error(s),
        Error::Exchange(e) => super::bundle::exchange_error(super::Lang::Vi, e),
        Error::Resolve(e) => super::bundle::resolve_error(super::Lang::Vi, e),
        Error::FormSpec { file, problems } => super::forms::refused(super::Lang::Vi, file, problems),
        Error::NoSuchReportLine { line } => format!(
            "Báo cáo không có dòng «{line}»; các dòng có chỉ tiêu được: {}.",
            super::report_lines()
        ),
        Error::UnknownForm { form } => format!(
            "Không có mẫu phiếu «{form}»; các mẫu hiện có: {}.",
            super::form_ids()
        ),
        Error::UnknownField { form, field } => format!(
            "Mẫu phiếu «{form}» không có trường «{field}»; xem danh sách trường bằng «tothon forms»."
        ),
        Error::BadSet { arg } => {
            format!("«--set {arg}» cần có dạng trường=giá_trị, ví dụ --set phone=0912345678.")
        }
        Error::Blocked { form, blocked } => {
            let (field, message, more) = super::blocked_parts(Lang::Vi, form, blocked);
            let more = if more == 0 {
                String::new()
            } else {
                format!(" (còn {more} vấn đề khác)")
            };
            match blocked {
                Blocked::Errors(_) => format!(
                    "Trường «{field}»: {message}{more} Sửa lại, hoặc thêm --draft để lưu thành bản nháp. Chưa lưu gì."
                ),
                Blocked::Unconfirmed(_) => format!(
                    "Trường «{field}»: {message}{more} Nếu đúng là như vậy, thêm --confirm để xác nhận và lưu. Chưa lưu gì."
                ),
            }
        }
        Error::BadArg { flag, problem } => {
            format!("«{flag}»: {}", super::problems::message(problem, Lang::Vi))
        }
        Error::Village(p) => match p {
            VillageProblem::Empty => "Tên thôn không được để trống.".into(),
            VillageProblem::TooLong { max } => format!("Tên thôn dài quá {max} ký tự."),
            VillageProblem::OnlyDigits => {
                "Tên thôn không được chỉ có chữ số (số được hiểu là số tổ).".into()
            }
            VillageProblem::TooAlike { team, name } => format!(
                "Tên này quá giống tên thôn {team} («{name}»): khi nhập danh sách sẽ không phân biệt được; hãy chọn tên khác."
            ),
            VillageProblem::TooMany { max } => format!("Một xã có nhiều nhất {max} thôn."),
            VillageProblem::NoSuchVillage { team } => format!("Không có thôn số {team}."),
            VillageProblem::NoVillages => "Xã cần có ít nhất một thôn.".into(),
        },
        Error::UnknownVillage { name } => format!(
            "Xã không có thôn «{name}»; xem các thôn bằng «tothon village list»."
        ),
        Error::NoVillage => "Phiếu lập ở xã cần ghi rõ thuộc thôn nào: thêm --village TÊN_THÔN (hoặc --team N).".into(),
        Error::TeamAndVillage { team, village } => format!(
            "--team {team} không khớp với trường thôn của phiếu (thôn của tổ {village}); bỏ --team hoặc sửa trường thôn."
        ),
        Error::NoVoidReason => "Cần ghi lý do huỷ phiếu (--reason).".into(),
        Error::AlreadyVoided { record } => format!("Trường hợp {record} đã huỷ rồi."),
        Error::NoComment => "Cần ghi rõ điều cần sửa (--comment) khi trả lại cho tổ.".into(),
        Error::InConflict { record, heads } => format!(
            "Trường hợp {record} đang có {heads} phiên bản song song (xung đột); cần giải quyết xung đột trước khi sửa."
        ),
        Error::Unchanged { record } => {
            format!("Không có gì thay đổi ở {record}; không ghi phiên bản mới.")
        }
        Error::MovedAway { record, team } => format!(
            "Xã đã chuyển việc {record} sang tổ {team}; máy này không lưu thêm gì cho việc đó (những gì đã lưu vẫn được gửi về xã)."
        ),
        Error::UnknownStatus { status } => format!(
            "Không có trạng thái «{status}»; dùng một trong: draft, in_progress, done, blocked, needs_correction, voided."
        ),
        Error::UnknownStage { stage } => format!(
            "Không có mức tiến độ «{stage}»; dùng một trong: not_started, in_progress, done, blocked, needs_correction, voided."
        ),
        Error::NoSuchTeam { team, max } => {
            format!("Không có tổ {team}; xã này có các tổ từ 1 đến {max}.")
        }
        Error::CommuneOnly => "Việc này chỉ làm được trên máy của xã.".into(),
        Error::NoSuchPair { first, second } => format!(
            "Không có cặp nghi trùng {first} – {second}; xem các cặp bằng «tothon duplicates»."
        ),
        Error::UnknownResolution { resolution } => format!(
            "Không có cách xử lý «{resolution}»; chọn deleted_duplicate (đã xoá phiếu trùng), not_duplicate (không trùng) hoặc referred (chuyển công an xã)."
        ),
        Error::NeedsOut => "Sổ tính Excel (xlsx) hay văn bản Word (docx) cần nơi ghi: thêm --out TỆP.xlsx (hoặc TỆP.docx).".into(),
        Error::RegisterChanged => "Danh sách nhân khẩu đã thay đổi từ lúc xem trước; hãy xem trước lại rồi nhập. Chưa ghi gì.".into(),
        Error::RegisterNeedsYes { count } => format!(
            "Chưa ghi gì: không hỏi xác nhận được vì không chạy từ bàn phím; hãy chạy lại với --yes để ghi {count} nhân khẩu."
        ),
        Error::NoDataDir => {
            "Không tìm được thư mục dữ liệu của người dùng; hãy chỉ định bằng --data-dir hoặc biến TOTHON_HOME.".into()
        }
        Error::NotADemo(dir) => format!(
            "Thư mục {} đã có dữ liệu không phải xã mẫu; chọn thư mục khác bằng --dir.",
            printable(&dir.display().to_string(), 400)
        ),
        Error::Terminal(detail) => format!("Không mở được màn hình terminal: {detail}."),
        Error::File { path, detail } => {
            format!("Không ghi/đọc được tệp {}: {}.", printable(&path.display().to_string(), 400), printable(detail, 400))
        }
        Error::OutputClosed => "Nơi nhận kết quả đã đóng trước khi in xong.".into(),
        Error::Worklist(w) => super::worklist::error(super::Lang::Vi, w),
        Error::NotOnRegister { .. }
        | Error::SeveralOnRegister { .. }
        | Error::NotFromRegister { .. }
        | Error::AlreadyCovered { .. } => super::register::error(super::Lang::Vi, e),
    }
}

/// The part of the store a damage report names, in Vietnamese.
pub(crate) fn store_part(what: &str) -> &str {
    match what {
        "version" => "phiên bản",
        "list row" => "dòng danh sách việc",
        "work item" => "việc được giao",
        "person" => "nhân khẩu",
        "draft" => "bản nháp",
        "import" => "nhật ký nhận gói",
        "setting" | "settings" | "meta" => "thiết lập",
        "commune" => "thông tin xã",
        "device" => "thông tin máy",
        "schema" => "phiên bản dữ liệu",
        other => other,
    }
}

pub(super) fn store_error(e: &StoreError) -> String {
    match e {
        StoreError::NotSetUp(dir) => format!(
            "Chưa có dữ liệu tothon trong {}; chạy «tothon init commune --name TÊN», «tothon init team ...» hoặc «tothon demo».",
            printable(&dir.display().to_string(), 400)
        ),
        StoreError::AlreadySetUp(dir) => format!(
            "Thư mục {} đã có dữ liệu tothon; không ghi đè. Dùng --data-dir để chọn thư mục khác.",
            printable(&dir.display().to_string(), 400)
        ),
        StoreError::AlreadyOpen => {
            "tothon đang mở ở một cửa sổ khác; hãy đóng cửa sổ đó rồi thử lại.".into()
        }
        StoreError::Locked => {
            "Dữ liệu của máy này được mã hoá; cần mật khẩu của máy để mở. Không có gì bị thay đổi."
                .into()
        }
        StoreError::DataKeyDoesNotOpen => "Khoá của máy này không mở được dữ liệu đã mã hoá (tệp dữ liệu không phải của máy này, hoặc đã bị thay). Không có gì bị thay đổi; hãy báo cho xã.".into(),
        StoreError::DataKeyMissing => "Tệp dữ liệu thiếu khoá mã hoá dữ liệu, nên không đọc được; tệp có thể đã bị hỏng. Không có gì bị thay đổi; hãy sao lưu tệp và báo cho xã.".into(),
        StoreError::NewerSchema { found, supported } => format!(
            "Dữ liệu này do phiên bản tothon mới hơn ghi (lược đồ {found}, bản này chỉ hiểu đến {supported}); hãy cập nhật tothon. Dữ liệu không bị thay đổi."
        ),
        StoreError::Damaged { file, detail } => format!(
            "Tệp dữ liệu {} bị hỏng{} nên không đọc được; không có gì bị thay đổi. Hãy khôi phục bản sao lưu gần nhất bằng «tothon restore TỆP» (bản sao lưu tự động nằm trong thư mục backups bên cạnh), hoặc báo cho xã.",
            file.display(),
            super::parenthesised(detail)
        ),
        StoreError::Corrupt { what, detail } => format!(
            "Dữ liệu bị hỏng ở phần {} ({}); không có gì bị thay đổi. Chạy «tothon check» để xem phạm vi hư hỏng, rồi khôi phục bản sao lưu gần nhất bằng «tothon restore TỆP».",
            store_part(what),
            printable(detail, 400)
        ),
        StoreError::NoSuchCase(record) => format!("Không tìm thấy trường hợp {}.", printable(record, 100)),
        StoreError::Disk(Some(io)) if io.kind() == std::io::ErrorKind::StorageFull => "Ổ đĩa đã đầy nên việc vừa làm có thể chưa được lưu, còn những gì đã lưu trước đó không bị mất; hãy dọn bớt tệp cho ổ đĩa có chỗ trống rồi mở lại tothon.".into(),
        StoreError::Disk(Some(io)) => format!(
            "Ổ đĩa báo lỗi khi đọc/ghi dữ liệu ({}) nên việc vừa làm có thể chưa được lưu, còn những gì đã lưu trước đó không bị mất; hãy đóng rồi mở lại tothon, và nếu lỗi còn lặp lại thì nhờ người kiểm tra ổ đĩa.",
            printable(&io.to_string(), 200)
        ),
        StoreError::Disk(None) => "Ổ đĩa đã báo lỗi trước đó nên tothon không ghi gì thêm, còn những gì đã lưu trước lỗi đó không bị mất; hãy đóng rồi mở lại tothon.".into(),
        StoreError::Db(detail) => format!("Lỗi khi đọc/ghi dữ liệu: {}.", printable(detail, 400)),
        StoreError::Io(io) => format!("Lỗi tệp: {}.", printable(&io.to_string(), 400)),
    }
}

pub fn msg(m: &Msg) -> String {
    match m {
        Msg::Saved { record, status } => format!("Đã lưu {record} ({status})."),
        Msg::SavedDraft { record, problems } => {
            format!("Đã lưu nháp {record}, còn {problems} vấn đề cần sửa.")
        }
        Msg::InitDone { dir } => format!("Đã thiết lập dữ liệu tại {dir}."),
        Msg::VillageAdded { team, name } => {
            format!(
                "Đã thêm thôn «{name}» (tổ {team}); các tổ nhận danh sách mới trong gói tiếp theo của xã."
            )
        }
        Msg::VillageRenamed { team, name } => format!(
            "Thôn số {team} nay tên là «{name}»; các tổ nhận tên mới trong gói tiếp theo của xã."
        ),
        Msg::ScreenVillageAdded { team, name } => format!("Đã thêm thôn «{name}», tổ {team}."),
        Msg::ScreenVillageRenamed { team, name } => {
            format!("Thôn số {team} nay tên là «{name}».")
        }
        Msg::DemoBuilt {
            dir,
            people,
            cases,
            teams,
        } => format!(
            "Đã tạo xã mẫu tại {dir}: {people} nhân khẩu, {cases} trường hợp, {teams} tổ công tác. Mật khẩu khoá của mọi máy trong xã mẫu là «demo»."
        ),
        Msg::Exported { path } => format!("Đã ghi tệp {path}."),
        Msg::FormAdded {
            label,
            id,
            version,
            code,
            fields,
        } => format!(
            "Đã thêm mẫu phiếu «{label}» ({id}, phiên bản {version}, mã phiếu {code}, {fields} trường). Mẫu đến các tổ trong gói dữ liệu tiếp theo của xã."
        ),
        Msg::Target {
            line,
            target: Some(n),
        } => format!("Đã đặt chỉ tiêu «{line}»: {n}."),
        Msg::Target { line, target: None } => format!("Dòng «{line}» không có chỉ tiêu."),
        Msg::BackedUp { path } => format!(
            "Đã sao lưu dữ liệu vào {path} (được mã hoá như tệp dữ liệu; mở bằng mật khẩu của máy này)."
        ),
        Msg::BackupFailed { why } => format!(
            "Chưa sao lưu được dữ liệu ({why}); dữ liệu không bị ảnh hưởng. Hãy kiểm tra chỗ trống trên đĩa, rồi chạy «tothon backup»."
        ),
        Msg::Restored { versions, kept } => match kept {
            Some(kept) => format!(
                "Đã khôi phục bản sao lưu: {versions} phiên bản, đã kiểm tra toàn bộ. Dữ liệu trước đó được giữ ở {kept}."
            ),
            None => format!("Đã khôi phục bản sao lưu: {versions} phiên bản, đã kiểm tra toàn bộ."),
        },
        Msg::CheckPassed {
            values,
            versions,
            repaired,
            index_rebuilt,
            latest_backup,
        } => {
            let mut out = format!(
                "Dữ liệu nguyên vẹn: {values} giá trị đọc được, {versions} phiên bản khớp mã của chúng."
            );
            if *repaired {
                out.push_str(" Tệp có trang hỏng và đã được đưa về lần lưu trọn vẹn gần nhất: hãy xem lại những gì vừa nhập.");
            }
            if *index_rebuilt > 0 {
                out.push_str(&format!(
                    " Danh sách việc sai ở {index_rebuilt} dòng so với các phiên bản; đã dựng lại từ các phiên bản."
                ));
            }
            match latest_backup {
                Some(b) => out.push_str(&format!(" Bản sao lưu gần nhất: {b}.")),
                None => out.push_str(" Chưa có bản sao lưu nào: chạy «tothon backup»."),
            }
            out
        }
        Msg::ExportedPersonal { path } => format!(
            "Đã ghi tệp {path}. Tệp chứa dữ liệu cá nhân của công dân và không được mã hoá: giữ kín, không gửi qua mạng, xoá khi dùng xong."
        ),
        Msg::PersonalToOutput => "Lưu ý: bảng này chứa dữ liệu cá nhân của công dân, không được mã hoá: giữ kín tệp nhận được, không gửi qua mạng, xoá khi dùng xong.".into(),
        Msg::Imported { count } => format!("Đã nhập {count} việc vào danh sách."),
        Msg::Unsent { count } => format!("Chưa gửi: {count}"),
        Msg::LastFolderGone { path } => format!(
            "Không thấy thư mục gói lần trước ({}): USB đã rút? Đang dùng thư mục mặc định.",
            printable(path, 200)
        ),
        Msg::NewCaseDrafts { forms } => format!(
            "Có phiếu mới nhập dở ({forms}): F8, chọn mẫu có dấu ✎ để nhập tiếp."
        ),
        Msg::MemberRemoved { name } => format!(
            "Đã bỏ {} khỏi danh sách người làm việc; các phiếu đã lưu vẫn giữ tên này.",
            printable(name, 60)
        ),
        Msg::WarningsConfirmed { count } => format!("Đã xác nhận {count} cảnh báo."),
        Msg::SheetRead { sheet, at, of } => {
            format!("Trang «{}» ({at}/{of})", super::worklist::sheet_name(sheet))
        }
    }
}
